import type { ModuleExports } from './module-loader.js';

/** One migration or seed as a source lists it. */
export interface ScriptEntry {
  /** The ledger key: the file name, or what a knex source's `getMigrationName` returns. */
  readonly name: string;
  /** SHA-256 (hex) the ledger records and drift detection compares. */
  readonly checksum: string;
  /** The file on disk, when there is one (named in errors). */
  readonly path?: string | undefined;
}

/** Every script of an app, in the order they apply. */
export interface ScriptList {
  readonly files: readonly ScriptEntry[];
  readonly byName: ReadonlyMap<string, ScriptEntry>;
}

/** Where an app's migrations or seeds come from: its directories, or a knex `migrationSource`/`seedSource`. */
export interface ScriptSource {
  /** The scripts in apply order, with their checksums. */
  list(): Promise<ScriptList>;
  /** The module of one listed script; a failure is `KNEXUS_ERR_MODULE_LOAD` naming it. */
  load(entry: ScriptEntry): Promise<ModuleExports>;
}
