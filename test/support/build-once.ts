/**
 * Vitest global setup: makes sure dist/ is the build of the current sources before any test file runs,
 * so tests that spawn the CLI (`dist/src/cli/bin.js`) or import the package by name run what a user
 * installs, never a stale build.
 *
 * The build takes ~15 s of CPU, so it is skipped when dist/ was built from exactly these inputs: the
 * build stamps a hash of every file it reads (scripts/build-inputs.mjs), and any change to any of them
 * (an edit, a new or deleted file) rebuilds. `KNEXUS_TEST_REBUILD=1` forces a build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInputsHash, builtFrom } from '../../scripts/build-inputs.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** What the tests need from dist/; a missing one means a build is due whatever the stamp says. */
const OUTPUTS = ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/bin.js'];

function upToDate(): boolean {
  if (process.env['KNEXUS_TEST_REBUILD'] === '1') return false;
  if (!OUTPUTS.every((file) => existsSync(join(root, file)))) return false;
  return builtFrom() === buildInputsHash();
}

export default function buildOnce(): void {
  if (!upToDate()) execFileSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
}
