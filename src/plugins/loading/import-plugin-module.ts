import { importFile } from '../../util/import-file.js';

let generation = 0;
/** Namespaces by file: the runtime caches modules anyway, and a loader hook round trip per import() is not free. */
const loaded = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Imports a resolved plugin file (ESM with top-level `await`, CommonJS, TypeScript). With `fresh`,
 * module caches are bypassed so a reload sees the file as it is now.
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

function load(path: string, fresh: boolean): Promise<Record<string, unknown>> {
  return importFile(path, fresh ? { fresh: String(++generation) } : {});
}
