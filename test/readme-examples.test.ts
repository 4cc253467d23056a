import { describe, expect, it } from 'vitest';
import { docBlocks, projectDocs, runDocExample } from './support/doc-examples.js';

/** Code blocks marked `<!-- example -->` in the README and docs/*.md run here, so they cannot rot. */
describe('documentation examples', () => {
  it('the README has runnable examples', () => {
    expect(docBlocks('README.md', 'example', 'ts').length).toBeGreaterThan(0);
  });

  for (const file of projectDocs()) {
    for (const block of docBlocks(file, 'example', 'ts')) {
      it(`${file} example ${block.index + 1} runs`, async () => {
        await expect(runDocExample(block)).resolves.toBeDefined();
      });
    }
  }
});
