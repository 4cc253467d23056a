import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The absolute path of `command` (a name looked up on PATH, or a path), or null when it is not an executable file. */
export async function findExecutable(command: string, baseDir: string): Promise<string | null> {
  const candidates =
    command.includes('/') || command.includes('\\')
      ? [isAbsolute(command) ? command : resolve(baseDir, command)]
      : (process.env['PATH'] ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return null;
}
