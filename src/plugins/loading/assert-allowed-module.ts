import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { KnexusError } from '../../errors.js';
import { isDirectory, isFile } from '../../util/path-kind.js';
import { isPathSpecifier } from './resolve-plugin-module.js';

/** URL schemes a plugin module may never come from: code that is not a file under review. */
const FORBIDDEN_SCHEMES = /^(data|node|http|https|blob|javascript):/i;

/** The coded refusal: names the specifier, the real path it resolved to and the roots that would allow it. */
function forbidden(
  specifier: string,
  resolvedPath: string | undefined,
  roots: readonly string[],
  why: string,
  pluginName?: string,
): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_FORBIDDEN',
    `Plugin module '${specifier}'${resolvedPath === undefined ? '' : ` (${resolvedPath})`} is not allowed: ${why}. ` +
      `Move it under an allowed root, add its folder to pluginManager.allowedRoots, or install it as a package.`,
    {
      module: specifier,
      ...(pluginName === undefined ? {} : { pluginName }),
      ...(resolvedPath === undefined ? {} : { resolvedPath }),
      details: { allowedRoots: roots },
    },
  );
}

/** Refuses, before resolution, specifiers no root can allow (`data:`, `node:`, `http:` URLs). */
export function assertAllowedSpecifier(specifier: string, roots: readonly string[], pluginName?: string): void {
  if (FORBIDDEN_SCHEMES.test(specifier))
    throw forbidden(specifier, undefined, roots, 'plugins load from files or installed packages only', pluginName);
}

/**
 * Refuses, before import, a module whose real path (symlinks followed) lies outside every allowed root.
 * An installed package named by a bare specifier is also allowed inside its own package folder, wherever
 * Node finds that: the check is on where the specifier really lands, so `pg/../../elsewhere/x.mjs` (which
 * Node resolves through any `node_modules` folder, package or not) is judged by the file it reaches.
 */
export function assertAllowedModule(
  specifier: string,
  resolvedPath: string,
  roots: readonly string[],
  baseDir: string,
  pluginName?: string,
): void {
  const real = realpath(resolvedPath);
  if (roots.some((root) => isInside(real, realpath(resolve(root))))) return;
  if (isPathSpecifier(specifier)) {
    throw forbidden(
      specifier,
      real,
      roots,
      `its real path is outside ${roots.length === 1 ? 'the allowed root' : 'every allowed root'} (${roots.join(', ')})`,
      pluginName,
    );
  }
  const name = packageName(specifier);
  const home = name === undefined ? undefined : packageFolder(name, baseDir);
  if (home !== undefined && isInside(real, home)) return;
  const where =
    home === undefined ? `no installed package '${name ?? specifier}' holds it` : `it is outside the folder of package '${name}' (${home})`;
  throw forbidden(specifier, real, roots, `${where}, and it is outside every allowed root (${roots.join(', ')})`, pluginName);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The package a bare specifier names (`pg`, `@scope/pkg`), or undefined when its first segments name none. */
function packageName(specifier: string): string | undefined {
  const parts = specifier.split(/[\\/]/);
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (name === undefined || name.split('/').some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return name;
}

/**
 * The real folder of package `name` as Node finds it from `baseDir`: the first `node_modules/<name>`
 * folder up the lookup paths, else the enclosing package itself when it has that name (a self-reference).
 */
function packageFolder(name: string, baseDir: string): string | undefined {
  const lookup = createRequire(join(baseDir, 'noop.js')).resolve.paths(name) ?? [];
  for (const dir of lookup) {
    const folder = join(dir, name);
    if (isDirectory(folder)) return realpath(folder);
  }
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (isFile(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === name ? realpath(dir) : undefined;
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
