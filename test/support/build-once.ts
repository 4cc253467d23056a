/**
 * Vitest global setup: builds dist/ once before any test file runs, so tests that spawn the CLI
 * (`dist/src/cli/bin.js`) or import the package by name run what a user installs, never a stale build.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function buildOnce(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
}
