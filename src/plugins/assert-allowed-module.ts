import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { KnexusError } from '../errors.js';
import { isPathSpecifier } from './resolve-plugin-module.js';

/** URL schemes a plugin module may never come from: code that is not a file under review. */
const FORBIDDEN_SCHEMES = /^(data|node|http|https|blob|javascript):/i;

/** The coded refusal: names the specifier, the real path it resolved to and the roots that would allow it. */
function forbidden(specifier: string, resolvedPath: string | undefined, roots: readonly string[], why: string, pluginName?: string): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_FORBIDDEN',
    `Plugin module '${specifier}'${resolvedPath === undefined ? '' : ` (${resolvedPath})`} is not allowed: ${why}. ` +
      `Move it under an allowed root, add its folder to pluginManager.allowedRoots, or install it as a package.`,
    { module: specifier, ...(pluginName === undefined ? {} : { pluginName }), ...(resolvedPath === undefined ? {} : { resolvedPath }), details: { allowedRoots: roots } },
  );
}

/** Refuses, before resolution, specifiers no root can allow (`data:`, `node:`, `http:` URLs). */
export function assertAllowedSpecifier(specifier: string, roots: readonly string[], pluginName?: string): void {
  if (FORBIDDEN_SCHEMES.test(specifier)) throw forbidden(specifier, undefined, roots, 'plugins load from files or installed packages only', pluginName);
}

/**
 * Refuses, before import, a file or `file:` specifier whose real path (symlinks followed) lies outside every
 * allowed root. Installed packages named by a bare specifier are allowed wherever Node resolves them.
 */
export function assertAllowedModule(specifier: string, resolvedPath: string, roots: readonly string[], pluginName?: string): void {
  if (!isPathSpecifier(specifier)) return;
  const real = realpath(resolvedPath);
  const inside = roots.some((root) => {
    const path = relative(realpath(resolve(root)), real);
    return path === '' || (!path.startsWith('..') && !isAbsolute(path));
  });
  if (!inside) throw forbidden(specifier, real, roots, `its real path is outside ${roots.length === 1 ? 'the allowed root' : 'every allowed root'} (${roots.join(', ')})`, pluginName);
}

function realpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
