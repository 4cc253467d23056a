import { readFile } from 'node:fs/promises';
import { KnexusError, errorMessage } from '../../errors.js';
import { checksum } from './checksum.js';
import type { KnexSource } from '../knex/knex-source.js';
import { moduleChecksum } from './module-checksum.js';
import type { ModuleExports } from './module-loader.js';
import type { ScriptEntry, ScriptList, ScriptSource } from './script-source.js';

/**
 * Scripts listed by a knex `migrationSource`/`seedSource`, in the source's order. The checksum is the
 * SHA-256 of the file the item names when it names an existing one (as for directories), otherwise of
 * the module `getMigration`/`getSeed` returns (see `moduleChecksum`).
 */
export class SourceCatalog implements ScriptSource {
  readonly #source: KnexSource;
  readonly #appName: string;
  readonly #extensions: readonly string[];
  #items = new Map<string, unknown>();

  constructor(source: KnexSource, appName: string, extensions: readonly string[]) {
    this.#source = source;
    this.#appName = appName;
    this.#extensions = extensions;
  }

  /** Lists the source's items, names and checksums them; a duplicate or empty name is a config error. */
  async list(): Promise<ScriptList> {
    const { section } = this.#source;
    const option = section === 'migrations' ? 'migrations.migrationSource' : 'seeds.seedSource';
    let items: unknown[];
    try {
      items = await this.#source.list(this.#extensions);
    } catch (error) {
      throw new KnexusError(
        'KNEXUS_ERR_MODULE_LOAD',
        `The ${option} of app '${this.#appName}' failed to list its ${section}: ${errorMessage(error)}`,
        {
          appName: this.#appName,
          field: option,
        },
        error,
      );
    }
    const named = new Map<string, unknown>();
    const files: ScriptEntry[] = [];
    for (const item of items) {
      const name = this.#source.nameOf(item);
      if (typeof name !== 'string' || name.length === 0) {
        throw new KnexusError(
          'KNEXUS_ERR_INVALID_CONFIG',
          `The ${option} of app '${this.#appName}' gave an item without a name (${String(name)}).`,
          {
            appName: this.#appName,
            field: option,
          },
        );
      }
      if (named.has(name)) {
        throw new KnexusError(
          'KNEXUS_ERR_INVALID_CONFIG',
          `The ${option} of app '${this.#appName}' lists ${name} twice; names are the ledger key, so they must be unique.`,
          { appName: this.#appName, field: option, file: name },
        );
      }
      named.set(name, item);
      const path = this.#source.fileOf(item);
      const sum = path === undefined ? moduleChecksum(await this.#load(item, name)) : checksum(await readFile(path));
      files.push(Object.freeze({ name, checksum: sum, path }));
    }
    this.#items = named;
    return Object.freeze({ files: Object.freeze(files), byName: new Map(files.map((file) => [file.name, file])) });
  }

  /** The module of a listed item. */
  load(entry: ScriptEntry): Promise<ModuleExports> {
    return this.#load(this.#items.get(entry.name), entry.name);
  }

  async #load(item: unknown, name: string): Promise<ModuleExports> {
    try {
      const loaded = await this.#source.load(item);
      if (typeof loaded !== 'object' || loaded === null) throw new Error(`it returned ${String(loaded)} instead of a module`);
      return loaded;
    } catch (error) {
      throw new KnexusError(
        'KNEXUS_ERR_MODULE_LOAD',
        `Could not load ${name} of app '${this.#appName}' from its ${this.#source.section} source: ${errorMessage(error)}`,
        {
          appName: this.#appName,
          file: name,
        },
        error,
      );
    }
  }
}
