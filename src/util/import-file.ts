import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Jiti } from 'jiti';
import type { NamespacedUnregister } from 'tsx/esm/api';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
const requireCache = createRequire(import.meta.url).cache;

/** Whether this process's own `import()` understands TypeScript (tsx, vitest); learned on first use. */
let nativeTypeScript: boolean | undefined;
let sharedJiti: Jiti | undefined;
let tsxLoader: Promise<NamespacedUnregister> | undefined;

/** Options of `importFile`. */
export interface ImportFileOptions {
  /** A version token: when given, module caches are bypassed so the file is read as it is now. */
  readonly fresh?: string;
  /**
   * How TypeScript that Node cannot load is loaded. `shared` (default): jiti, which shares the host's
   * instances of the packages the file imports (config files and plugins, whose classes must be the
   * host's). `isolated`: for an ES module file, tsx (esbuild) in a loader namespace of its own, about 3×
   * faster than jiti on a real project's migrations with empty caches (bench 08), but the packages the
   * file imports are instances of their own: for migration and seed files, which are handed their knex.
   * CommonJS TypeScript still goes through jiti.
   */
  readonly graph?: 'shared' | 'isolated';
}

/**
 * Imports a JavaScript or TypeScript module file and returns its namespace.
 *
 * Native `import()` comes first: it always handles JavaScript, and handles TypeScript when a loader
 * such as tsx or vitest is active, which keeps one module graph (a plugin importing knexus then sees
 * the very classes its host uses). Only TypeScript that Node cannot load goes through a loader: jiti,
 * or tsx with `graph: 'isolated'`.
 */
export async function importFile(path: string, options: ImportFileOptions = {}): Promise<Record<string, unknown>> {
  const typescript = TYPESCRIPT.has(extname(path));
  if (!typescript || nativeTypeScript !== false) {
    try {
      const namespace = await importNatively(path, options.fresh);
      if (typescript) nativeTypeScript = true;
      return namespace;
    } catch (error) {
      if (!typescript || (error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
      nativeTypeScript = false;
    }
  }
  // Loaded on first need: a process whose files are all JavaScript never pays for a TypeScript compiler.
  if (options.graph === 'isolated' && isEsmFile(path)) return importWithTsx(path, options.fresh);
  const { createJiti } = await import('jiti');
  const jiti =
    options.fresh === undefined ? (sharedJiti ??= createJiti(import.meta.url)) : createJiti(import.meta.url, { moduleCache: false });
  return (await jiti.import(path)) as Record<string, unknown>;
}

async function importWithTsx(path: string, fresh: string | undefined): Promise<Record<string, unknown>> {
  // A namespace: only imports made through this loader see TypeScript; the process's own loader is untouched.
  tsxLoader ??= import('tsx/esm/api').then(({ register }) => register({ namespace: 'knexus' }));
  const loader = await tsxLoader;
  return (await loader.import(versionedUrl(path, fresh), import.meta.url)) as Record<string, unknown>;
}

/**
 * Whether Node would read the file as an ES module (`.mts`, or `.ts` in a package whose package.json
 * says `"type": "module"`). tsx's namespaced loader follows such files' imports; a CommonJS file's
 * nested `require('../db')` of TypeScript would bypass it, so those stay with jiti.
 */
function isEsmFile(path: string): boolean {
  const extension = extname(path);
  if (extension === '.mts') return true;
  if (extension === '.cts') return false;
  return packageType(dirname(path)) === 'module';
}

const packageTypes = new Map<string, string | undefined>();

function packageType(dir: string): string | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  try {
    type = String((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type ?? 'commonjs');
  } catch {
    const parent = dirname(dir);
    type = parent === dir ? undefined : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}

/** The file's URL; with a version, one that no module cache has seen for an earlier version. */
function versionedUrl(path: string, fresh: string | undefined): string {
  const url = pathToFileURL(path);
  // No dots: a loader that reads the language from the URL's end (vite's) must still see `.ts`.
  if (fresh !== undefined) url.search = `knexus-version=${fresh.replace(/[^\w-]/g, '_')}`;
  return url.href;
}

function importNatively(path: string, fresh: string | undefined): Promise<Record<string, unknown>> {
  // CommonJS modules are cached by file name, ESM by URL: evict the one, vary the other.
  if (fresh !== undefined) delete requireCache[path];
  return import(versionedUrl(path, fresh)) as Promise<Record<string, unknown>>;
}
