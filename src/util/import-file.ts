import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Jiti } from 'jiti';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts', '.tsx']);
const requireCache = createRequire(import.meta.url).cache;

/** Whether this process's own `import()` understands TypeScript (tsx, vitest); learned on first use. */
let nativeTypeScript: boolean | undefined;
let sharedJiti: Jiti | undefined;

/** Options of `importFile`. */
export interface ImportFileOptions {
  /** A version token: when given, module caches are bypassed so the file is read as it is now. */
  readonly fresh?: string;
}

/**
 * Imports a JavaScript or TypeScript module file and returns its namespace.
 *
 * Native `import()` comes first: it always handles JavaScript, and handles TypeScript when a loader
 * such as tsx or vitest is active, which keeps one module graph (a plugin importing knexus then sees
 * the very classes its host uses). Only TypeScript that Node cannot load goes through jiti.
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
  const { createJiti } = await import('jiti');
  const jiti = options.fresh === undefined ? (sharedJiti ??= createJiti(import.meta.url)) : createJiti(import.meta.url, { moduleCache: false });
  return (await jiti.import(path)) as Record<string, unknown>;
}

function importNatively(path: string, fresh: string | undefined): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path);
  if (fresh !== undefined) {
    // CommonJS modules are cached by file name, ESM by URL: evict the one, vary the other.
    delete requireCache[path];
    // No dots: a loader that reads the language from the URL's end (vite's) must still see `.ts`.
    url.search = `knexus-version=${fresh.replace(/[^\w-]/g, '_')}`;
  }
  return import(url.href) as Promise<Record<string, unknown>>;
}
