/**
 * What dist/ was built from: a SHA-256 over the path and content of every file the build reads (src/,
 * the plugins, scripts/, the tsconfig and package files). `scripts/build.mjs` stamps it after a build;
 * `build.mjs --if-stale` (the test setup, the bench) builds only when the stamp differs, so a fresh clone
 * builds once on `npm ci` and not again when its tests start.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Folders whose every file feeds the build (plugins: also their migrations and seeds, copied into dist/). */
const INPUT_FOLDERS = ['src', 'plugins', 'scripts'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** Outside dist/, which `npm pack` ships; `.scratch-*` folders are ignored by git. */
const STAMP = join(root, '.scratch-build', 'dist-inputs.sha256');

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.split(/[\\/]/).includes('node_modules'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The hash of everything the build reads. */
export function buildInputsHash() {
  const files = [...INPUT_FOLDERS.flatMap((folder) => filesUnder(join(root, folder))), ...INPUT_FILES.map((file) => join(root, file))]
    .filter((file) => existsSync(file))
    .map((file) => relative(root, file).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/** The hash dist/ was last built from, if any. */
export function builtFrom() {
  return existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : undefined;
}

/** Records that dist/ is the build of `inputs`, unless a file changed while it was built. */
export function stampBuild(inputs) {
  if (buildInputsHash() !== inputs) return;
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${inputs}\n`);
}
