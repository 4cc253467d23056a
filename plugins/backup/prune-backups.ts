import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isBackupOf } from './backup-file-name.js';

/** Deletes all but the newest `keep` backups of `app` in `folder`; resolves with the names deleted. */
export async function pruneBackups(folder: string, app: string, keep: number): Promise<string[]> {
  const backups = (await readdir(folder)).filter((name) => isBackupOf(app, name)).sort();
  const doomed = backups.slice(0, Math.max(0, backups.length - keep));
  for (const name of doomed) await rm(join(folder, name), { force: true });
  return doomed;
}
