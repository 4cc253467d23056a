import type { Knex } from 'knex';
import type { ClientName } from '../registry/app-config.js';
import type { LedgerEntry } from './ledger-types.js';
import { advisoryKey } from './advisory-key.js';
import type { SqlExecutor } from './sql-executor.js';

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
}

// One statement per dialect, with the unique key inline: knex's createTable adds PostgreSQL unique
// constraints as a separate ALTER, which would fail on the second run of an IF NOT EXISTS.
const COLUMNS: Readonly<Record<ClientName, string>> = Object.freeze({
  pg:
    '(id serial primary key, app varchar(255) not null, name varchar(255) not null, batch integer not null, ' +
    'checksum char(64) not null, applied_at timestamptz not null, unique (app, name))',
  mysql2:
    '(id int unsigned not null auto_increment primary key, app varchar(255) not null, name varchar(255) not null, ' +
    'batch int not null, checksum char(64) not null, applied_at datetime(3) not null, unique key (app, name))',
  // The integer primary key is the rowid, so ids grow with insertion order without AUTOINCREMENT's extra table.
  'better-sqlite3':
    '(id integer primary key, app varchar(255) not null, name varchar(255) not null, batch integer not null, ' +
    'checksum char(64) not null, applied_at integer not null, unique (app, name))',
});

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
  readonly #sql: Readonly<{ create: string; read: string; insert: string; remove: string; setBatch: string }>;

  constructor(knex: Knex, options: LedgerOptions) {
    this.#options = Object.freeze({ ...options });
    const { client, schema, tableName } = options;
    const table = knex.raw('??', [schema === undefined ? tableName : `${schema}.${tableName}`]).toQuery();
    this.#sql = Object.freeze({
      create: `create table if not exists ${table} ${COLUMNS[client]}`,
      read: `select id, name, batch, checksum, applied_at from ${table} where app = ? order by id`,
      insert: `insert into ${table} (app, name, batch, checksum, applied_at) values (?, ?, ?, ?, ?)`,
      remove: `delete from ${table} where app = ? and name = ?`,
      setBatch: `update ${table} set batch = ?, applied_at = ? where app = ? and name = ?`,
    });
  }

  /** Creates the table if it is missing; call it while holding the app lock. */
  async ensure(db: Knex, sql: SqlExecutor): Promise<void> {
    const { client, schema, tableName } = this.#options;
    if (client !== 'pg') return sql.run(this.#sql.create);
    // Apps hold different advisory locks, yet share this table: on a fresh database their concurrent
    // CREATE TABLE IF NOT EXISTS would race on pg_type (23505). A per-table lock, released at commit,
    // serializes only this statement.
    await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?::bigint)', [advisoryKey('ledger', schema ?? '', tableName)]);
      await trx.raw(this.#sql.create);
    });
  }

  /** This app's rows, oldest first. */
  async read(sql: SqlExecutor): Promise<LedgerRow[]> {
    const rows = await sql.all(this.#sql.read, [this.#options.appName]);
    return rows.map((row) => ({
      id: Number(row['id']),
      name: String(row['name']),
      batch: Number(row['batch']),
      checksum: String(row['checksum']).trim(),
      appliedAt: new Date(row['applied_at'] as Date | number | string),
    }));
  }

  /** Like `read`, but a ledger that was never created reads as empty instead of failing (status is read-only). */
  async readIfExists(sql: SqlExecutor): Promise<LedgerRow[]> {
    try {
      return await this.read(sql);
    } catch (error) {
      if (typeof error === 'object' && error !== null && MISSING_TABLE[this.#options.client](error)) return [];
      throw error;
    }
  }

  /** Records an applied file. */
  insert(sql: SqlExecutor, entry: { readonly name: string; readonly batch: number; readonly checksum: string }): Promise<void> {
    return sql.run(this.#sql.insert, [this.#options.appName, entry.name, entry.batch, entry.checksum, new Date()]);
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
