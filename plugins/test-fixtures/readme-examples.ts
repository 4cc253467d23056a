// Runs the `<!-- example -->` blocks of a plugin's README, so the docs cannot rot.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { vi } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
// `.scratch-*` folders are ignored by git; the examples must live inside the project to be transformed.
const scratch = join(root, '.scratch-plugin-readmes');

/** The TypeScript blocks marked `<!-- example -->` in `plugins/<plugin>/README.md`. */
export function readmeExamples(plugin: string): string[] {
  const text = readFileSync(join(root, 'plugins', plugin, 'README.md'), 'utf8');
  return [...text.matchAll(/<!-- example -->\s*```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** What running one example left behind: its working folder (./data, ./backups, ./migrations) and what it printed. */
export interface ExampleRun {
  readonly workdir: string;
  readonly printed: string[];
  cleanup(): void;
}

/**
 * Runs one example as a module: `knexus` is the source entry point, `knexus/plugins/…` this
 * repository's plugin sources (one module graph with the entry point), and relative data paths land in a fresh temp working folder holding the fixture migrations.
 */
export async function runReadmeExample(plugin: string, code: string, index: number): Promise<ExampleRun> {
  const workdir = mkdtempSync(join(tmpdir(), `knexus-${plugin}-readme-`));
  mkdirSync(join(workdir, 'data'));
  cpSync(join(root, 'plugins', 'test-fixtures', 'migrations'), join(workdir, 'migrations'), { recursive: true });
  mkdirSync(scratch, { recursive: true });
  const path = join(scratch, `${plugin}-${index}-${process.pid}.ts`);
  const source = code
    .replace(/from 'knexus'/g, `from '${pathToFileURL(join(root, 'src', 'index.ts')).href}'`)
    .replace(/'knexus\/plugins\/([\w-]+)'/g, (_, name: string) => `'${join(root, 'plugins', name, 'index.ts')}'`);
  writeFileSync(path, `${source}\nexport {};\n`);
  const printed: string[] = [];
  const capture = (...args: unknown[]): void => {
    printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  };
  const spies = [vi.spyOn(console, 'log').mockImplementation(capture), vi.spyOn(console, 'warn').mockImplementation(capture)];
  const cwd = process.cwd();
  process.chdir(workdir);
  try {
    await import(pathToFileURL(path).href);
  } finally {
    process.chdir(cwd);
    for (const spy of spies) spy.mockRestore();
    rmSync(path, { force: true });
  }
  return { workdir, printed, cleanup: () => rmSync(workdir, { recursive: true, force: true }) };
}
