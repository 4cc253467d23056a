import type { Knex } from 'knex';
import type { ClientName } from '../registry/app-config.js';
import type { LedgerEntry } from './ledger-types.js';
import { advisoryKey } from './lock-key.js';

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

interface RawRow {
  id: number | string;
  name: string;
  batch: number | string;
  checksum: string;
  applied_at: Date | number | string;
}

// One statement per dialect, with the unique key inline: knex's createTable adds PostgreSQL unique
// constraints as a separate ALTER, which would fail on the second run of an IF NOT EXISTS.
const CREATE_TABLE: Readonly<Record<ClientName, string>> = Object.freeze({
  pg:
    'create table if not exists ?? (id serial primary key, app varchar(255) not null, name varchar(255) not null, ' +
    'batch integer not null, checksum char(64) not null, applied_at timestamptz not null, unique (app, name))',
  mysql2:
    'create table if not exists ?? (id int unsigned not null auto_increment primary key, app varchar(255) not null, ' +
    'name varchar(255) not null, batch int not null, checksum char(64) not null, applied_at datetime(3) not null, ' +
    'unique key (app, name))',
  // The integer primary key is the rowid, so ids grow with insertion order without AUTOINCREMENT's extra table.
  'better-sqlite3':
    'create table if not exists ?? (id integer primary key, app varchar(255) not null, name varchar(255) not null, ' +
    'batch integer not null, checksum char(64) not null, applied_at integer not null, unique (app, name))',
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
 * are validated by the registry and still only ever reach SQL as `??` bindings.
 */
export class Ledger {
  readonly #options: LedgerOptions;
  readonly #qualified: string;
  #quotedName: string | undefined;

  constructor(options: LedgerOptions) {
    this.#options = Object.freeze({ ...options });
    this.#qualified = options.schema === undefined ? options.tableName : `${options.schema}.${options.tableName}`;
  }

  /** Creates the table if it is missing; call it while holding the app lock. */
  async ensure(db: Knex): Promise<void> {
    const { client, schema, tableName } = this.#options;
    if (client !== 'pg') {
      await db.raw(CREATE_TABLE[client], [this.#qualified]);
      return;
    }
    // Apps hold different advisory locks, yet share this table: on a fresh database their concurrent
    // CREATE TABLE IF NOT EXISTS would race on pg_type (23505). A per-table lock, released at commit,
    // serializes only this statement.
    await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?::bigint)', [advisoryKey('ledger', schema ?? '', tableName)]);
      await trx.raw(CREATE_TABLE.pg, [this.#qualified]);
    });
  }

  /** This app's rows, oldest first. */
  async read(db: Knex): Promise<LedgerRow[]> {
    const rows = (await this.#from(db)
      .select('id', 'name', 'batch', 'checksum', 'applied_at')
      .where('app', this.#options.appName)
      .orderBy('id')) as RawRow[];
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      batch: Number(row.batch),
      checksum: row.checksum.trim(),
      appliedAt: new Date(row.applied_at),
    }));
  }

  /** Like `read`, but a ledger that was never created reads as empty instead of failing (status is read-only). */
  async readIfExists(db: Knex): Promise<LedgerRow[]> {
    try {
      return await this.read(db);
    } catch (error) {
      if (typeof error === 'object' && error !== null && MISSING_TABLE[this.#options.client](error)) return [];
      throw error;
    }
  }

  /** Records an applied file. */
  async insert(db: Knex, entry: { readonly name: string; readonly batch: number; readonly checksum: string }): Promise<void> {
    const sql = `insert into ${this.#quoted(db)} (app, name, batch, checksum, applied_at) values (?, ?, ?, ?, ?)`;
    await db.raw(sql, [this.#options.appName, entry.name, entry.batch, entry.checksum, new Date()]);
  }

  /** Forgets a rolled-back file. */
  async remove(db: Knex, name: string): Promise<void> {
    await db.raw(`delete from ${this.#quoted(db)} where app = ? and name = ?`, [this.#options.appName, name]);
  }

  // Writes run once per file, so they skip the query builder and reuse the table name knex quoted once.
  #quoted(db: Knex): string {
    return (this.#quotedName ??= db.raw('??', [this.#qualified]).toQuery());
  }

  #from(db: Knex): Knex.QueryBuilder {
    const { schema, tableName } = this.#options;
    return schema === undefined ? db(tableName) : db.withSchema(schema).table(tableName);
  }
}
