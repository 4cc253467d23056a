import type { SqlExecutor, SqlRow } from '../sql-executor.js';

/** The part of a better-sqlite3 `Database` the executor uses. */
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

interface SqliteStatement {
  all(...bindings: unknown[]): unknown[];
  run(...bindings: unknown[]): unknown;
}

const statements = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

// better-sqlite3 binds numbers, strings, bigints, buffers and null only; knex stores dates as epoch ms too.
const bindable = (value: unknown): unknown => (value instanceof Date ? value.getTime() : value);

/**
 * Runs bookkeeping statements directly on the better-sqlite3 connection a knex transaction holds, with
 * statements prepared once per connection.
 *
 * A statement through knex costs tens of microseconds of query building and pool bookkeeping, several
 * times SQLite's own work on an in-memory database; with three of them per file, that dominated
 * registering hundreds of apps. The trade-off: these statements emit no knex `query` events.
 */
export function sqliteExecutor(connection: unknown): SqlExecutor {
  const database = connection as SqliteConnection;
  let cache = statements.get(database);
  if (cache === undefined) statements.set(database, (cache = new Map()));
  const prepared = (sql: string): SqliteStatement => {
    let statement = cache.get(sql);
    if (statement === undefined) cache.set(sql, (statement = database.prepare(sql)));
    return statement;
  };
  // Async like every other executor, so a failing statement rejects instead of throwing synchronously.
  return {
    all: async (sql, bindings = []) => prepared(sql).all(...bindings.map(bindable)) as SqlRow[],
    run: async (sql, bindings = []) => {
      prepared(sql).run(...bindings.map(bindable));
    },
  };
}
