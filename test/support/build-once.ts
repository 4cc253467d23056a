/**
 * Vitest global setup: makes sure dist/ is the build of the current sources before any test file runs,
 * so tests that spawn the CLI (`dist/src/cli/bin.js`) or import the package by name run what a user
 * installs, never a stale build.
 *
 * The build takes ~15 s of CPU, so it is skipped when dist/ was built from exactly these inputs: a
 * SHA-256 over the path and content of every file the build reads (src/, the plugins, scripts/, the
 * tsconfig and package files) is kept beside the build and compared. Any change to any of them (an
 * edit, a new or deleted file) changes the hash and rebuilds. `KNEXUS_TEST_REBUILD=1` forces a build.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Folders whose every file feeds the build (plugins: also their migrations and seeds, copied into dist/). */
const INPUT_FOLDERS = ['src', 'plugins', 'scripts'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** What the tests need from dist/; a missing one means a build is due whatever the stamp says. */
const OUTPUTS = ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/bin.js'];
/** Outside dist/, which `npm pack` ships; `.scratch-*` folders are ignored by git. */
const STAMP = join(root, '.scratch-build', 'dist-inputs.sha256');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.split(/[\\/]/).includes('node_modules'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The hash of everything the build reads. */
export function buildInputsHash(): string {
  const files = [...INPUT_FOLDERS.flatMap((folder) => filesUnder(join(root, folder))), ...INPUT_FILES.map((file) => join(root, file))]
    .filter((file) => existsSync(file))
    .map((file) => relative(root, file).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  return hash.digest('hex');
}

function upToDate(inputs: string): boolean {
  if (process.env['KNEXUS_TEST_REBUILD'] === '1') return false;
  if (!OUTPUTS.every((file) => existsSync(join(root, file)))) return false;
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === inputs;
}

export default function buildOnce(): void {
  const inputs = buildInputsHash();
  if (upToDate(inputs)) return;
  execFileSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
  mkdirSync(join(root, '.scratch-build'), { recursive: true });
  // Hashed again: a source edited during the build must not be stamped as built.
  if (buildInputsHash() === inputs) writeFileSync(STAMP, `${inputs}\n`);
}
