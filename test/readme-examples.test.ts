import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/** Code blocks marked `<!-- example -->` in the README and docs run here, so they cannot rot. */
const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = fileURLToPath(new URL('./.examples/', import.meta.url));
const documents = ['README.md', 'docs/plugins.md'];

function examples(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(`${root}${file}`, 'utf8');
  } catch {
    return [];
  }
  const blocks: string[] = [];
  const pattern = /<!-- example -->\s*```ts\n([\s\S]*?)```/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) blocks.push(match[1]!);
  return blocks;
}

describe('documentation examples', () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  mkdirSync(scratch, { recursive: true });
  const readme = examples('README.md');

  it('the README has runnable examples', () => {
    expect(readme.length).toBeGreaterThan(0);
  });

  for (const file of documents) {
    examples(file).forEach((code, index) => {
      it(`${file} example ${index + 1} runs`, async () => {
        const entry = pathToFileURL(`${root}src/index.ts`).href;
        const source = code.replace(/from 'knexus'/g, `from '${entry}'`);
        const path = `${scratch}${file.replace(/\W/g, '_')}_${index}.ts`;
        writeFileSync(path, `${source}\nexport {};\n`);
        await expect(import(pathToFileURL(path).href)).resolves.toBeDefined();
      });
    });
  }
});
