// Runs the `<!-- example -->` blocks of a plugin's README through the tests' one doc-example runner.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, docBlocks, runDocExample, type DocBlock } from '../../test/support/doc-examples.js';

/** The TypeScript blocks marked `<!-- example -->` in `plugins/<plugin>/README.md`. */
export function readmeExamples(plugin: string): DocBlock[] {
  return docBlocks(`plugins/${plugin}/README.md`, 'example', 'ts');
}

/** What running one example left behind: its working folder (./data, ./backups, ./migrations) and what it printed. */
export interface ExampleRun {
  readonly workdir: string;
  readonly printed: string[];
  cleanup(): void;
}

/** Runs one example (see `runDocExample`) in a fresh temp working folder holding `data/` and the fixture migrations, where its relative paths land. */
export async function runReadmeExample(plugin: string, example: DocBlock): Promise<ExampleRun> {
  const workdir = mkdtempSync(join(tmpdir(), `knexus-${plugin}-readme-`));
  mkdirSync(join(workdir, 'data'));
  cpSync(join(ROOT, 'plugins', 'test-fixtures', 'migrations'), join(workdir, 'migrations'), { recursive: true });
  const { printed } = await runDocExample(example, { cwd: workdir });
  return { workdir, printed, cleanup: () => rmSync(workdir, { recursive: true, force: true }) };
}
