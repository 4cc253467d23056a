import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFile } from '../../util/path-kind.js';

/** Extensions tried, in order, for a path written without one. */
export const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;

/** Export conditions used for ESM-only packages that `require.resolve` refuses. */
const CONDITIONS = ['import', 'node', 'default'] as const;

/** True for specifiers that name a file rather than a package. */
export function isPathSpecifier(specifier: string): boolean {
  return (
    specifier.startsWith('file:') || isAbsolute(specifier) || specifier === '.' || specifier === '..' || /^\.{1,2}[\\/]/.test(specifier)
  );
}

/**
 * Resolves a plugin module specifier to an absolute file: paths against `baseDir` (the folder of
 * the config that declared the plugin, never knexus's own), package names the way Node would from
 * a file inside `baseDir`. Throws Node's resolution error when nothing matches.
 */
export function resolvePluginModule(specifier: string, baseDir: string): string {
  if (isPathSpecifier(specifier)) {
    const path = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(baseDir, specifier);
    return resolveFile(path) ?? throwNotFound(specifier, path);
  }
  const require = createRequire(join(baseDir, 'noop.js'));
  try {
    return require.resolve(specifier);
  } catch (error) {
    const esmOnly = resolveEsmPackage(specifier, baseDir);
    if (esmOnly !== undefined) return esmOnly;
    throw withoutRequireStack(error);
  }
}

/** Node appends "Require stack: - <baseDir>/noop.js" naming the stand-in file resolution starts from; it is noise here. */
function withoutRequireStack(error: unknown): unknown {
  if (error instanceof Error) {
    error.message = error.message.replace(/\s*Require stack:[\s\S]*$/, '');
    delete (error as { requireStack?: unknown }).requireStack;
  }
  return error;
}

function resolveFile(path: string): string | undefined {
  if (isFile(path)) return path;
  for (const ext of MODULE_EXTENSIONS) if (isFile(path + ext)) return path + ext;
  for (const ext of MODULE_EXTENSIONS) if (isFile(join(path, `index${ext}`))) return join(path, `index${ext}`);
  return undefined;
}

function throwNotFound(specifier: string, path: string): never {
  const error = new Error(`Cannot find module '${specifier}' (looked for ${path})`) as Error & { code: string };
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}

/** Finds an ESM-only package's entry through its `exports` map, walking up `node_modules` folders. */
function resolveEsmPackage(specifier: string, baseDir: string): string | undefined {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    const manifestPath = join(root, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
      const target = pickExport(manifest['exports'], subpath) ?? (subpath === '.' ? (manifest['module'] ?? manifest['main']) : undefined);
      return typeof target === 'string' ? resolveFile(join(root, target)) : resolveFile(join(root, subpath));
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function pickExport(exports: unknown, subpath: string): unknown {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === 'string' || Array.isArray(exports)) return subpath === '.' ? pickCondition(exports) : undefined;
  const map = exports as Record<string, unknown>;
  const keyed = Object.keys(map).some((k) => k.startsWith('.'));
  if (!keyed) return subpath === '.' ? pickCondition(map) : undefined;
  return pickCondition(map[subpath]);
}

function pickCondition(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickCondition(item);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }
  if (target === null || typeof target !== 'object') return undefined;
  const map = target as Record<string, unknown>;
  for (const condition of CONDITIONS) {
    if (condition in map) {
      const picked = pickCondition(map[condition]);
      if (picked !== undefined) return picked;
    }
  }
  return undefined;
}
