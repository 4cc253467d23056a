import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';

/** A row as a driver returns it. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** knex's pool hook that prepares a fresh connection (`pool.afterCreate`). */
export type AfterCreate = (connection: unknown, done: (error: Error | null, connection: unknown) => void) => void;

/** Names one migration lock: the app's ledger table (in its schema) and the app. */
export interface LockIdentity {
  readonly schema: string | undefined;
  readonly tableName: string;
  readonly appName: string;
}

/** How a dialect takes and gives back a lock that lives in one connection's session. */
export interface SessionLockQueries {
  /** Tries once to take the lock; true when taken. */
  tryLock(db: Knex): Promise<boolean>;
  /**
   * Tries once like `tryLock`, running `lead` (plain statements: a session switch) first, in the same
   * round trip; optional.
   */
  tryLockLeading?(db: Knex, lead: string): Promise<boolean>;
  /** Gives the lock back. */
  unlock(db: Knex): Promise<unknown>;
  /** Undoes what `tryLock` set on the session when the lock was never taken; optional. */
  abandon?(db: Knex): Promise<unknown>;
  /**
   * Waits in the database up to `ms` for the lock (true when taken), so a waiter wakes as soon as the
   * holder unlocks instead of at its next poll; optional (without it, `tryLock` is polled with backoff).
   */
  wait?(db: Knex, ms: number): Promise<boolean>;
}

/** How an app is placed in its database: its own schema (PostgreSQL) or database (MySQL), and what is searched after it. */
export interface SchemaPlacement {
  readonly schema: string | undefined;
  readonly searchPath: readonly string[];
}

/**
 * Everything knexus does differently per database, in one place per dialect (`dialects/<name>/`): the
 * rest of knexus asks the adapter and never compares client names. A new database, or a new way of
 * reaching one, is one more adapter.
 */
export interface Dialect {
  readonly client: ClientName;
  /** What users call it in messages. */
  readonly label: string;
  /** The rows of a `knex.raw` result. */
  rows(result: unknown): SqlRow[];
  /**
   * The database is a file (`connection.filename`, resolved against the config's folder), opened by one
   * pooled connection, locked through a side file, with knexus's own reads going straight to the driver.
   */
  readonly fileDatabase: boolean;
  /** Commits DDL (and statements such as LOCK TABLES) at once, inside a transaction too, so a failed file may stay half applied. */
  readonly implicitCommits: boolean;
  /**
   * Copies schema `schema` from one server to another with the database's own tools (a tenant move);
   * undefined where knexus cannot move tenants. `tools`: the folder of the tools, default PATH.
   */
  copySchema?(
    from: string | Readonly<Record<string, unknown>>,
    to: string | Readonly<Record<string, unknown>>,
    schema: string,
    tools?: string,
  ): Promise<void>;
  /** Checks a server database at registration (creating the app's schema where that is how it is reached); not for file databases. */
  probe(knex: Knex, placement: SchemaPlacement): Promise<void>;

  /** Apps may have a schema of their own (`schema`) and share a pool switching between schemas. */
  readonly schemas: boolean;
  /** Apps may list schemas searched after their own (`searchPath`). */
  readonly searchPath: boolean;
  /** True when `schema` belongs to the server (its catalog) and can never be an app's schema. */
  isSystemSchema(schema: string): boolean;
  /** The statement that puts a session on `schema` (then `searchPath`); comparing two is comparing session states. */
  route(schema: string, searchPath: readonly string[]): string;
  /** What a fresh connection of a pool is on; undefined when apps with a schema of their own cannot share the pool. */
  ownerRoute(placement: SchemaPlacement, database: string | undefined): string | undefined;
  /**
   * Puts a pooled connection's session back to how the server opened it (temporary tables, prepared
   * statements, settings, role, session locks), then runs `then` if given, in one round trip where the
   * dialect allows it.
   */
  resetSession(connection: unknown, then?: string): Promise<void>;
  /**
   * The session reset and `route` as plain statements (no bindings) that may lead another statement in
   * its round trip (PostgreSQL); undefined where the reset is no SQL (MySQL's COM_RESET_CONNECTION).
   */
  leadingSwitch?(route: string): string;
  /** Runs one statement on a raw driver connection, outside knex (no query events, no query building). */
  runRaw(connection: unknown, sql: string): Promise<void>;

  /** Creates the app's schema if missing (a concurrent creator winning the race is fine). */
  ensureSchema(knex: Knex, schema: string): Promise<void>;
  /** True when the app's schema exists (read from the catalog, no DDL privilege needed). */
  schemaExists(knex: Knex, schema: string): Promise<boolean>;
  /** Drops the app's schema with everything in it. */
  dropSchema(knex: Knex, schema: string): Promise<void>;
  /** True when a pool creates the app's schema as it opens a connection (so a schema is never "missing" before that). */
  readonly schemaCreatedOnConnect: boolean;
  /** A catalog query (`count` placeholders) naming, as `name`, which of the given schemas exist. */
  existingSchemasSql(count: number): string;
  /** A catalog query (the table name, then `count` schema placeholders) naming, as `name`, the schemas holding that table. */
  schemasWithTableSql(count: number): string;
  /** Tables and views in `schema`. */
  tablesIn(knex: Knex, schema: string): Promise<string[]>;

  /**
   * The app's migration lock when it lives in a connection's session (PostgreSQL advisory lock, MySQL
   * `GET_LOCK`): a maker of one hold's queries (they may remember what they set on the session, to undo
   * it at unlock); undefined when the dialect locks a file instead (SQLite).
   */
  lockQueries(lock: LockIdentity): (() => SessionLockQueries) | undefined;
  /**
   * True when the transactional units of one locked run share one transaction (a savepoint each), so a
   * run commits once; false when each unit commits on its own (MySQL commits DDL at once anyway).
   */
  readonly batchesUnits: boolean;
  /** Serializes creating a ledger table that several apps share, inside `trx`; undefined when nothing races. */
  readonly lockLedgerCreation: ((trx: Knex.Transaction, schema: string | undefined, tableName: string) => Promise<void>) | undefined;
  /** The catalog query listing a table's columns (empty when the table is missing), and its bindings. */
  columnsQuery(table: string, schema: string | undefined): { readonly sql: string; readonly bindings: readonly string[] };

  /**
   * Where routes live: `session` — a pooled connection is switched (reset, then `route`) when it moves
   * to another app, and stays so; `transaction` — nothing is set on sessions (a transaction pooler
   * hands each transaction any server connection), every statement runs in a transaction that opens
   * with `route` (`scopeStatements`).
   */
  readonly routing: 'session' | 'transaction';
  /** For `transaction` routing: makes every statement of `knex` (and knexes derived from it) run in a transaction opening with `route`; undefined: unwrapped. */
  scopeStatements?(knex: Knex, route: string | undefined): void;
  /**
   * For `session` routing: true when `knex`'s connections turn out to go through a transaction pooler
   * after all (no server session kept between statements), where session routing would cross apps.
   */
  detectTransactionPooler?(knex: Knex): Promise<boolean>;

  /** Adds the dialect's settings to the knex config of a pool knexus opens for an app. */
  configureKnex(config: Knex.Config, placement: SchemaPlacement, idleTimeout: number): void;
}
