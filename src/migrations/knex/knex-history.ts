import type { Knex } from 'knex';
import { KnexusError } from '../../errors.js';
import type { ClientName } from '../../clients.js';
import type { KnexLedgerMode } from '../migrations-config.js';
import { quotedTable } from '../quoted-table.js';
import type { ScriptEntry, ScriptList } from '../scripts/script-source.js';
import type { SqlExecutor } from '../sql-executor.js';
import { tableColumns } from '../table-columns.js';

/** Where knex keeps its own ledger, and what to do when an app without knexus history finds one there. */
export interface KnexHistoryOptions {
  /** knex's ledger table (`knex_migrations`, or the knexfile's `migrations.tableName`). */
  readonly tableName: string;
  /** `true` imports it, `false` ignores it (fresh ledger), `undefined` refuses to register while it is there. */
  readonly import: boolean | undefined;
  /** PostgreSQL schema of knex's ledger (knex's `schemaName`); default the app's schema, else the search path. */
  readonly schema?: string | undefined;
  /** `mirror` writes what knexus applies and rolls back into knex's ledger too; `frozen` (default) never writes it. */
  readonly mode?: KnexLedgerMode | undefined;
}

/** One migration knex recorded as applied, matched to the app's script of that name. */
export interface KnexApplied {
  readonly entry: ScriptEntry;
  readonly batch: number;
  /** knex's `migration_time`, when it recorded one. */
  readonly appliedAt?: Date | undefined;
}

const stem = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
};

/**
 * Reads knex's own migration ledger (never writes it) and matches its names to an app's scripts.
 * A name matches a script of the same name, or of the same name with another extension (a project that
 * moved from `.js` to `.ts` files).
 */
export class KnexHistory {
  readonly #options: KnexHistoryOptions;
  readonly #client: ClientName;
  readonly #schema: string | undefined;
  readonly #table: string;
  readonly #appName: string;

  constructor(knex: Knex, options: KnexHistoryOptions, context: { client: ClientName; schema: string | undefined; appName: string }) {
    this.#options = options;
    this.#client = context.client;
    this.#schema = options.schema ?? context.schema;
    this.#appName = context.appName;
    this.#table = quotedTable(knex, options.tableName, this.#schema);
  }

  /** The schema knex's ledger lives in (knex's `schemaName`, else the app's), if any. */
  get schema(): string | undefined {
    return this.#schema;
  }

  /** The options it was built with. */
  get options(): KnexHistoryOptions {
    return this.#options;
  }

  /** knex's applied migrations, oldest first, or `null` when there is no knex ledger (or it is empty). */
  async read(sql: SqlExecutor): Promise<{ name: string; batch: number; appliedAt?: Date }[] | null> {
    const columns = await tableColumns(sql, this.#client, this.#options.tableName, this.#schema);
    if (!columns.includes('name') || !columns.includes('batch')) return null;
    const order = columns.includes('id') ? ' order by id' : '';
    const time = columns.includes('migration_time') ? ', migration_time' : '';
    const rows = await sql.all(`select name, batch${time} from ${this.#table}${order}`);
    if (rows.length === 0) return null;
    return rows.map((row) => {
      const at =
        row['migration_time'] === null || row['migration_time'] === undefined
          ? undefined
          : new Date(row['migration_time'] as Date | number | string);
      return {
        name: String(row['name']),
        batch: Number(row['batch']),
        ...(at === undefined || Number.isNaN(at.getTime()) ? {} : { appliedAt: at }),
      };
    });
  }

  /** The app's script for each knex row; names without a script are a `KNEXUS_ERR_MIGRATION_NOT_FOUND` listing every one. */
  match(rows: readonly { name: string; batch: number; appliedAt?: Date }[], scripts: ScriptList): KnexApplied[] {
    const byStem = new Map(scripts.files.map((file) => [stem(file.name), file]));
    const missing: string[] = [];
    const seen = new Set<string>();
    const matched: KnexApplied[] = [];
    for (const row of rows) {
      const entry = scripts.byName.get(row.name) ?? byStem.get(stem(row.name));
      if (entry === undefined) missing.push(row.name);
      else if (!seen.has(entry.name)) {
        seen.add(entry.name);
        matched.push({ entry, batch: row.batch, appliedAt: row.appliedAt });
      }
    }
    if (missing.length > 0) {
      const appName = this.#appName;
      throw new KnexusError(
        'KNEXUS_ERR_MIGRATION_NOT_FOUND',
        `App '${appName}' cannot import knex's history: ${this.#options.tableName} records ${missing.join(', ')}, ` +
          `which match no migration of the app. Restore the file(s) (or fix migrations.directory / migrationSource); nothing was written.`,
        {
          appName,
          file: missing[0] as string,
          field: 'migrations.importKnexHistory',
          details: { missing, knexTable: this.#options.tableName },
        },
      );
    }
    return matched;
  }

  /** The coded error for a database knex migrated, met by an app that has no knexus history and no decision. */
  undecidedError(applied: number): KnexusError {
    const appName = this.#appName;
    const table = this.#options.tableName;
    return new KnexusError(
      'KNEXUS_ERR_KNEX_HISTORY',
      `App '${appName}' has no knexus history, but this database holds knex's migration ledger ${table} with ${applied} applied ` +
        `migration(s); running them again would fail halfway. Nothing was changed. Choose one: ` +
        `migrations.importKnexHistory: true records knex's applied migrations as applied for this app and runs only the rest ` +
        `(or run knexus baseline ${appName} --from-knex); migrations.importKnexHistory: false starts a fresh knexus ledger and ignores knex's.`,
      { appName, field: 'migrations.importKnexHistory', details: { knexTable: table, applied } },
    );
  }
}
