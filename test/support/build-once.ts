/**
 * Vitest global setup: makes sure dist/ is the build of the current sources before any test file runs,
 * so tests that spawn the CLI (`dist/src/cli/bin.js`) or import the package by name run what a user
 * installs, never a stale build. The build takes ~15 s of CPU, so it runs only when a file it reads
 * changed since the last one (`--if-stale`, scripts/build-inputs.mjs); `KNEXUS_TEST_REBUILD=1` forces it.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default function buildOnce(): void {
  const args = process.env['KNEXUS_TEST_REBUILD'] === '1' ? [] : ['--if-stale'];
  execFileSync(process.execPath, [`${root}scripts/build.mjs`, ...args], { cwd: root, stdio: 'inherit' });
}
