import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
// Transformed once up front, so the first example is not charged for it.
import '../src/index.js';

/** Code blocks marked `<!-- example -->` in each plugin's README run here, so they cannot rot. */
const root = fileURLToPath(new URL('..', import.meta.url));
const plugins = ['audit-log', 'metrics-http', 'query-monitor', 'backup'] as const;
// `.scratch-*` folders are ignored by git; the examples must live inside the project to be transformed.
const scratch = join(root, '.scratch-plugin-readmes');
// The examples' relative data paths (./data, ./backups, ./migrations) land in a temp working folder.
const workdir = mkdtempSync(join(tmpdir(), 'knexus-plugin-readmes-'));
mkdirSync(join(workdir, 'data'));
cpSync(fileURLToPath(new URL('./test-fixtures/migrations/', import.meta.url)), join(workdir, 'migrations'), { recursive: true });
mkdirSync(scratch, { recursive: true });

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(workdir, { recursive: true, force: true });
});

function examples(plugin: string): string[] {
  const text = readFileSync(join(root, 'plugins', plugin, 'README.md'), 'utf8');
  return [...text.matchAll(/<!-- example -->\s*```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

describe('plugin README examples', () => {
  for (const plugin of plugins) {
    const blocks = examples(plugin);

    it(`${plugin}/README.md has a runnable example`, () => {
      expect(blocks.length).toBeGreaterThan(0);
    });

    blocks.forEach((code, index) => {
      it(`${plugin}/README.md example ${index + 1} runs`, async () => {
        const source = code
          .replace(/from 'knexus'/g, `from '${pathToFileURL(join(root, 'src', 'index.ts')).href}'`)
          .replace(/'\.\/plugins\//g, `'${join(root, 'plugins')}/`);
        const path = join(scratch, `${plugin}-${index}.ts`);
        writeFileSync(path, `${source}\nexport {};\n`);
        const cwd = process.cwd();
        // The examples print what a reader would see; the test output does not need it.
        const quiet = [vi.spyOn(console, 'log').mockImplementation(() => {}), vi.spyOn(console, 'warn').mockImplementation(() => {})];
        process.chdir(workdir);
        try {
          await expect(import(pathToFileURL(path).href)).resolves.toBeDefined();
        } finally {
          process.chdir(cwd);
          for (const spy of quiet) spy.mockRestore();
        }
      });
    });
  }

  it('the examples left their traces where they said', () => {
    expect(readFileSync(join(workdir, 'data', 'audit.jsonl'), 'utf8')).toContain('"operation":"registration"');
    expect(readdirSync(join(workdir, 'backups', 'blog'))).toEqual([expect.stringMatching(/^blog-.*-before-rollback\.sqlite$/)]);
  });
});
