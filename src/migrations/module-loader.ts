import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createJiti, type Jiti } from 'jiti';
import { KnexusError } from '../errors.js';
import type { CatalogFile } from './file-catalog.js';

/** The exports of a migration or seed module, as imported. */
export type ModuleExports = Readonly<Record<string, unknown>>;

interface Loaded {
  readonly version: string;
  readonly exports: Promise<ModuleExports>;
}

const requireCache = createRequire(import.meta.url).cache;

/**
 * Imports migration and seed files once per process and per file version.
 *
 * `.ts` files go through jiti, everything else through native `import()`. An edited file (new version)
 * is imported again: ESM under a new URL query, and CommonJS after evicting it from `require.cache`,
 * which native `import()` of a `.cjs` file would otherwise keep serving.
 */
export class ModuleLoader {
  /** The loader shared by every runner in this process. */
  static readonly shared = new ModuleLoader();

  #loaded = new Map<string, Loaded>();
  #jiti: Jiti | undefined;

  /** The file's exports; a failed import throws `KNEXUS_ERR_MODULE_LOAD` naming the file and the app. */
  async load(file: CatalogFile, appName: string): Promise<ModuleExports> {
    let loaded = this.#loaded.get(file.path);
    if (loaded === undefined || loaded.version !== file.version) {
      loaded = { version: file.version, exports: this.#import(file, loaded !== undefined) };
      this.#loaded.set(file.path, loaded);
    }
    try {
      return await loaded.exports;
    } catch (error) {
      // A failed import is not cached, so fixing a missing dependency needs no file edit.
      if (this.#loaded.get(file.path) === loaded) this.#loaded.delete(file.path);
      throw new KnexusError(
        'KNEXUS_ERR_MODULE_LOAD',
        `Could not import ${file.name} of app '${appName}': ${error instanceof Error ? error.message : String(error)}`,
        { appName, file: file.name, resolvedPath: file.path },
        error,
      );
    }
  }

  /** Forgets every imported module (tests and hot-reload tooling). */
  clear(): void {
    this.#loaded.clear();
  }

  async #import(file: CatalogFile, reload: boolean): Promise<ModuleExports> {
    if (file.path.endsWith('.ts')) {
      // moduleCache off: this class is the cache, and jiti's own would hand back a stale edited file.
      this.#jiti ??= createJiti(import.meta.url, { moduleCache: false });
      return (await this.#jiti.import(file.path)) as ModuleExports;
    }
    const url = pathToFileURL(file.path).href;
    if (!reload) return (await import(url)) as ModuleExports;
    delete requireCache[file.path];
    return (await import(`${url}?version=${encodeURIComponent(file.version)}`)) as ModuleExports;
  }
}
