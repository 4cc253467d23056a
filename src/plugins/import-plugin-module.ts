import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';

/** Extensions loaded through jiti rather than Node's own loader. */
export const TYPESCRIPT_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'] as const;

const require = createRequire(import.meta.url);
let jiti: ReturnType<typeof createJiti> | undefined;
let generation = 0;
/** Namespaces by file: the runtime caches modules anyway, and a loader hook round trip per import() is not free. */
const loaded = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Imports a resolved plugin file: TypeScript through jiti, everything else (ESM with top-level
 * `await`, CommonJS) with Node's native `import()`. With `fresh`, module caches are bypassed so a
 * reload sees the file as it is now.
 */
export function importPluginModule(path: string, fresh = false): Promise<Record<string, unknown>> {
  const cached = fresh ? undefined : loaded.get(path);
  if (cached !== undefined) return cached;
  const loading = load(path, fresh);
  // After a fresh import, later imports get the new version too.
  loaded.set(path, loading);
  // A failed import is retried next time (the file may have been fixed).
  loading.catch(() => {
    if (loaded.get(path) === loading) loaded.delete(path);
  });
  return loading;
}

async function load(path: string, fresh: boolean): Promise<Record<string, unknown>> {
  if ((TYPESCRIPT_EXTENSIONS as readonly string[]).includes(extname(path))) {
    const loader = fresh ? createJiti(import.meta.url, { moduleCache: false, fsCache: false }) : (jiti ??= createJiti(import.meta.url));
    return (await loader.import(path)) as Record<string, unknown>;
  }
  const url = pathToFileURL(path);
  if (fresh) {
    // CommonJS modules are cached by file name, ESM by URL; clear the one and vary the other.
    delete require.cache[path];
    url.search = `knexus-reload=${++generation}`;
  }
  return (await import(url.href)) as Record<string, unknown>;
}
