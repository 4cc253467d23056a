import { type CatalogContext, type CatalogFile, FileCatalog } from './file-catalog.js';
import { ModuleLoader, type ModuleExports } from './module-loader.js';
import type { ScriptEntry, ScriptList, ScriptSource } from './script-source.js';

/** Scripts read from folders: files sorted by name, checksums of their bytes, imported once per version. */
export class DirectorySource implements ScriptSource {
  readonly #directories: readonly string[];
  readonly #context: CatalogContext;
  readonly #extensions: readonly string[] | undefined;

  constructor(directories: readonly string[], context: CatalogContext, extensions: readonly string[] | undefined) {
    this.#directories = Object.freeze([...directories]);
    this.#context = context;
    this.#extensions = extensions;
  }

  /** Every script file of the folders, sorted by file name. */
  list(): Promise<ScriptList> {
    return FileCatalog.shared.read(this.#directories, this.#context, this.#extensions);
  }

  /** Imports a listed file (entries always come from `list`, so they are catalog files). */
  load(entry: ScriptEntry): Promise<ModuleExports> {
    return ModuleLoader.shared.load(entry as CatalogFile, this.#context.appName);
  }
}
