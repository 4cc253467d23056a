import { KnexusError } from '../../errors.js';
import { importFile } from '../../util/import-file.js';
import type { CatalogFile } from './file-catalog.js';

/** The exports of a migration or seed module, as imported. */
export type ModuleExports = Readonly<Record<string, unknown>>;

interface Loaded {
  readonly version: string;
  readonly exports: Promise<ModuleExports>;
}

/**
 * Imports migration and seed files once per process and per file version.
 *
 * An edited file (new version) is imported again, bypassing the runtime's module caches.
 */
export class ModuleLoader {
  /** The loader shared by every runner in this process. */
  static readonly shared = new ModuleLoader();

  #loaded = new Map<string, Loaded>();

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
    // Migration and seed files get their knex handed in, so they can live in a module graph of their own (tsx's, the fastest).
    return importFile(file.path, reload ? { fresh: file.version, graph: 'isolated' } : { graph: 'isolated' });
  }
}
