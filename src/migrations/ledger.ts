import type { Knex } from 'knex';
import { KnexusError } from '../errors.js';
import type { ClientName } from '../clients.js';
import { LEDGER_ORIGINS, type LedgerEntry, type LedgerOrigin } from './ledger-types.js';
import { dialectOf } from '../dialects/dialect-of.js';
import type { ForeignRow } from './knex/other-app-history.js';
import { quotedTable } from './quoted-table.js';
import { knexExecutor, type SqlExecutor } from './sql-executor.js';
import { tableColumns } from './table-columns.js';

/** A ledger row with its insertion id, which orders rollbacks newest first. */
export interface LedgerRow extends LedgerEntry {
  readonly id: number;
}

/** Where a ledger lives and whose rows it reads. */
export interface LedgerOptions {
  readonly client: ClientName;
  readonly tableName: string;
  readonly schema: string | undefined;
  readonly appName: string;
  /** The config option that names this table (`migrations.tableName` or `seeds.tableName`), for errors. */
  readonly option: string;
}

/** What the ledger table looks like today: absent, ours, ours from before the `origin` column, or someone else's. */
export type LedgerShape = 'missing' | 'current' | 'without-origin';

// One statement per dialect, with the unique key inline: knex's createTable adds PostgreSQL unique
// constraints as a separate ALTER, which would fail on the second run of an IF NOT EXISTS.
const COLUMNS: Readonly<Record<ClientName, string>> = Object.freeze({
  pg:
    '(id serial primary key, app varchar(255) not null, name varchar(255) not null, batch integer not null, ' +
    "checksum char(64) not null, applied_at timestamptz not null, origin varchar(16) not null default 'run', unique (app, name))",
  mysql2:
    '(id int unsigned not null auto_increment primary key, app varchar(255) not null, name varchar(255) not null, ' +
    "batch int not null, checksum char(64) not null, applied_at datetime(3) not null, origin varchar(16) not null default 'run', " +
    'unique key (app, name))',
  // The integer primary key is the rowid, so ids grow with insertion order without AUTOINCREMENT's extra table.
  'better-sqlite3':
    '(id integer primary key, app varchar(255) not null, name varchar(255) not null, batch integer not null, ' +
    "checksum char(64) not null, applied_at integer not null, origin varchar(16) not null default 'run', unique (app, name))",
});

/** Columns every knexus ledger has had; a table lacking one of them belongs to something else. */
const REQUIRED_COLUMNS = ['id', 'app', 'name', 'batch', 'checksum', 'applied_at'] as const;

/** The columns of a ledger that needs no upgrade. */
const CURRENT_COLUMNS = [...REQUIRED_COLUMNS, 'origin'] as const;

function toLedgerRow(row: Record<string, unknown>): LedgerRow {
  const origin = row['origin'];
  return {
    id: Number(row['id']),
    name: String(row['name']),
    batch: Number(row['batch']),
    checksum: String(row['checksum']).trim(),
    appliedAt: new Date(row['applied_at'] as Date | number | string),
    origin: (LEDGER_ORIGINS as readonly unknown[]).includes(origin) ? (origin as LedgerOrigin) : 'run',
  };
}

const MISSING_TABLE: Readonly<Record<ClientName, (error: { code?: unknown; errno?: unknown; message?: unknown }) => boolean>> =
  Object.freeze({
    // 42P01 undefined_table, 3F000 invalid_schema_name
    pg: (error) => error.code === '42P01' || error.code === '3F000',
    mysql2: (error) => error.errno === 1146,
    'better-sqlite3': (error) => typeof error.message === 'string' && error.message.includes('no such table'),
  });

/**
 * The history table of one app: one table per database (or schema) shared by every app, keyed by `app`.
 *
 * Every query filters on the app, so two apps on one database never see each other's rows. Identifiers
 * are validated by the registry and still reach SQL only as knex quoted them (`??`); values are bound.
 */
export class Ledger {
  readonly #options: LedgerOptions;
  readonly #sql: Readonly<{
    create: string;
    addOrigin: string;
    read: string;
    others: string;
    insert: string;
    remove: string;
    setBatch: string;
  }>;

  constructor(knex: Knex, options: LedgerOptions) {
    this.#options = Object.freeze({ ...options });
    const { client, schema, tableName } = options;
    const table = quotedTable(knex, tableName, schema);
    this.#sql = Object.freeze({
      create: `create table if not exists ${table} ${COLUMNS[client]}`,
      addOrigin: `alter table ${table} add column origin varchar(16) not null default 'run'`,
      // `*` so a ledger from before the origin column still reads (as `run`) without being altered.
      read: `select * from ${table} where app = ? order by id`,
      others: `select app, name, checksum from ${table} where app <> ? and batch > 0 order by id`,
      insert: `insert into ${table} (app, name, batch, checksum, applied_at, origin) values (?, ?, ?, ?, ?, ?)`,
      remove: `delete from ${table} where app = ? and name = ?`,
      setBatch: `update ${table} set batch = ?, applied_at = ? where app = ? and name = ?`,
    });
  }

  /**
   * The table's shape, read from the catalog without touching rows; throws `KNEXUS_ERR_LEDGER_TABLE_TAKEN`
   * when a table of that name exists with another shape (knex's `knex_migrations`, an app's own table).
   */
  async inspect(sql: SqlExecutor): Promise<LedgerShape> {
    const { client, schema, tableName, appName, option } = this.#options;
    const columns = await tableColumns(sql, client, tableName, schema);
    if (columns.length === 0) return 'missing';
    const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));
    if (missing.length > 0) {
      const knexLedger = columns.includes('migration_time');
      throw new KnexusError(
        'KNEXUS_ERR_LEDGER_TABLE_TAKEN',
        `App '${appName}' cannot keep its ledger in table ${tableName}: a table of that name already exists with other columns ` +
          `(${columns.join(', ')})${knexLedger ? ", it is knex's own migration ledger" : ''}. Nothing was written. ` +
          `Set ${option} to a free table name (or leave it unset for the default)` +
          (knexLedger ? ", and use migrations.importKnexHistory to take over knex's history." : '.'),
        { appName, field: option, details: { table: tableName, schema, columns, missingColumns: missing } },
      );
    }
    return columns.includes('origin') ? 'current' : 'without-origin';
  }

  /** Creates the table if it is missing (or adds the `origin` column to an older one); call it while holding the app lock. */
  async ensure(db: Knex, sql: SqlExecutor): Promise<void> {
    const { client, schema, tableName } = this.#options;
    const lockCreation = dialectOf(client).lockLedgerCreation;
    if (lockCreation === undefined) return this.#ensureOn(sql);
    await db.transaction(async (trx) => {
      await lockCreation(trx, schema, tableName);
      await this.#ensureOn(knexExecutor(trx, client));
    });
  }

  async #ensureOn(sql: SqlExecutor): Promise<void> {
    const shape = await this.inspect(sql);
    if (shape === 'missing') await sql.run(this.#sql.create);
    else if (shape === 'without-origin') await sql.run(this.#sql.addOrigin);
  }

  /** This app's rows, oldest first. */
  async read(sql: SqlExecutor): Promise<LedgerRow[]> {
    return (await sql.all(this.#sql.read, [this.#options.appName])).map(toLedgerRow);
  }

  /**
   * This app's rows in one query, when the table has every current column and the app has rows (the
   * usual case of a run, which then needs no catalog read); undefined when only `inspect` can tell.
   */
  async readIfCurrent(sql: SqlExecutor): Promise<LedgerRow[] | undefined> {
    let rows: Record<string, unknown>[];
    try {
      rows = await sql.all(this.#sql.read, [this.#options.appName]);
    } catch {
      // Missing, or someone else's table: `inspect` says which, with its own error.
      return undefined;
    }
    const first = rows[0];
    if (first === undefined || !CURRENT_COLUMNS.every((column) => column in first)) return undefined;
    return rows.map(toLedgerRow);
  }

  /** Every other app's applied rows (name and checksum), oldest first: to recognise this app's history under another name. */
  async readOthers(sql: SqlExecutor): Promise<ForeignRow[]> {
    const rows = await sql.all(this.#sql.others, [this.#options.appName]);
    return rows.map((row) => ({ app: String(row['app']), name: String(row['name']), checksum: String(row['checksum']) }));
  }

  /** The table as errors name it. */
  get tableName(): string {
    return this.#options.tableName;
  }

  /** Like `read`, but a ledger that was never created reads as empty instead of failing (status is read-only). */
  async readIfExists(sql: SqlExecutor): Promise<LedgerRow[]> {
    try {
      return await this.read(sql);
    } catch (error) {
      if (this.isMissing(error)) return [];
      throw error;
    }
  }

  /** True when `error` says the ledger table (or its schema) does not exist. */
  isMissing(error: unknown): boolean {
    return typeof error === 'object' && error !== null && MISSING_TABLE[this.#options.client](error);
  }

  /** Records an applied file (`origin` defaults to `run`, `appliedAt` to now). */
  insert(
    sql: SqlExecutor,
    entry: {
      readonly name: string;
      readonly batch: number;
      readonly checksum: string;
      readonly origin?: LedgerOrigin;
      readonly appliedAt?: Date | undefined;
    },
  ): Promise<void> {
    const { appName } = this.#options;
    return sql.run(this.#sql.insert, [
      appName,
      entry.name,
      entry.batch,
      entry.checksum,
      entry.appliedAt ?? new Date(),
      entry.origin ?? 'run',
    ]);
  }

  /**
   * Sets a file's batch: a negative batch marks it *started* (dirty: running outside a transaction that
   * could undo it, or cut off half-way), its positive batch marks it applied again.
   */
  setBatch(sql: SqlExecutor, name: string, batch: number): Promise<void> {
    return sql.run(this.#sql.setBatch, [batch, new Date(), this.#options.appName, name]);
  }

  /** Forgets a rolled-back file. */
  remove(sql: SqlExecutor, name: string): Promise<void> {
    return sql.run(this.#sql.remove, [this.#options.appName, name]);
  }
}
