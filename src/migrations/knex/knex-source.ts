import { basename, resolve } from 'node:path';
import type { ModuleExports } from '../scripts/module-loader.js';
import { isFile } from '../../util/path-kind.js';

/** knex's migration source interface (`Knex.MigrationSource`), accepted unchanged as `migrations.migrationSource`. */
export interface KnexMigrationSource<T = unknown> {
  getMigrations(loadExtensions: readonly string[]): Promise<T[]> | T[];
  getMigrationName(migration: T): string;
  getMigration(migration: T): Promise<object> | object;
}

/** knex's seed source interface (`Knex.SeedSource`), accepted unchanged as `seeds.seedSource`. */
export interface KnexSeedSource<T = unknown> {
  getSeeds(config: Readonly<Record<string, unknown>>): Promise<T[]> | T[];
  getSeed(seed: T): Promise<object> | object;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * A user's knex source, normalized: list the items, name one, load one, and find the file it names.
 * Holds the user's object by reference (never copied or frozen: sources may keep state).
 */
export class KnexSource {
  /** `migrations` or `seeds`. */
  readonly section: 'migrations' | 'seeds';
  readonly #source: KnexMigrationSource | KnexSeedSource;

  constructor(section: 'migrations' | 'seeds', source: KnexMigrationSource | KnexSeedSource) {
    this.section = section;
    this.#source = source;
  }

  /** True when `value` has the methods of knex's source interface for `section`. */
  static accepts(section: 'migrations' | 'seeds', value: unknown): boolean {
    if (!isRecord(value)) return false;
    const methods = section === 'migrations' ? ['getMigrations', 'getMigrationName', 'getMigration'] : ['getSeeds', 'getSeed'];
    return methods.every((method) => typeof value[method] === 'function');
  }

  /** The source's items, in the order it gives them (which is the apply order). */
  async list(loadExtensions: readonly string[]): Promise<unknown[]> {
    const source = this.#source;
    const items =
      this.section === 'migrations'
        ? await (source as KnexMigrationSource).getMigrations(loadExtensions)
        : await (source as KnexSeedSource).getSeeds({ loadExtensions, recursive: false, sortDirsSeparately: false, specific: undefined });
    return [...items];
  }

  /** The ledger name of an item: `getMigrationName`, or for seeds the file name of the path `getSeeds` returned. */
  nameOf(item: unknown): unknown {
    if (this.section === 'migrations') return (this.#source as KnexMigrationSource).getMigrationName(item);
    if (typeof item === 'string') return basename(item);
    return isRecord(item) && typeof item['name'] === 'string' ? item['name'] : undefined;
  }

  /** The module of an item (`getMigration` / `getSeed`). */
  async load(item: unknown): Promise<ModuleExports> {
    const source = this.#source;
    const loaded =
      this.section === 'migrations'
        ? await (source as KnexMigrationSource).getMigration(item)
        : await (source as KnexSeedSource).getSeed(item);
    return loaded as ModuleExports;
  }

  /**
   * The file an item names, when it names one that exists: a path string (knex's seed sources), or
   * `{ file, directory }` (knex's own migration source) or `{ path }`. Relative paths resolve against the
   * working directory, as knex resolves them.
   */
  fileOf(item: unknown): string | undefined {
    let candidate: string | undefined;
    if (typeof item === 'string') candidate = item;
    else if (isRecord(item) && typeof item['path'] === 'string') candidate = item['path'];
    else if (isRecord(item) && typeof item['file'] === 'string' && typeof item['directory'] === 'string') {
      candidate = resolve(item['directory'], item['file']);
    }
    if (candidate === undefined) return undefined;
    const path = resolve(candidate);
    return isFile(path) ? path : undefined;
  }
}
