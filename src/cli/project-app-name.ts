import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isFile } from '../util/path-kind.js';

/**
 * The app name of a project run without a registry config (a knexfile, or zero-config): the name it
 * gives itself (`knexus.name` in the knexfile), else its package.json `name`, else its folder's name.
 * The folder comes last because it changes with where the code sits (a Docker `WORKDIR /app`), and the
 * ledger keys history by this name.
 */
export function projectAppName(folder: string, own: string | undefined): { name: string; from: 'knexfile' | 'package.json' | 'folder' } {
  if (own !== undefined) return { name: own, from: 'knexfile' };
  const pkg = packageName(folder);
  if (pkg !== undefined) return { name: pkg, from: 'package.json' };
  return { name: sanitize(basename(folder)) ?? 'app', from: 'folder' };
}

/** The nearest package.json's `name` from `folder` up, as an app name: `@acme/url-shortener` → `acme-url-shortener`. */
function packageName(folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (isFile(file)) {
      try {
        const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
        return typeof name === 'string' ? sanitize(name.replace(/^@/, '').replace('/', '-')) : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Anything not allowed in an app name becomes `_`; undefined when nothing is left. */
function sanitize(text: string): string | undefined {
  const name = text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 63);
  return name.length > 0 ? name : undefined;
}
