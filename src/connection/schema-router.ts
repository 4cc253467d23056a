import type { ClientName } from '../clients.js';

/** Marks a connection whose session state is not known (a switch failed half way). */
const UNKNOWN = Symbol('unknown schema');

/** How long affinity switches rather than opens connections after opening one failed. */
const GROWTH_BACKOFF_MS = 5_000;

type RawRunner = (connection: unknown, sql: string) => Promise<void>;

/**
 * Puts a connection's session back to how the server opened it, before another app's route: what
 * PostgreSQL's DISCARD ALL does (PgBouncer's server_reset_query), spelled out because DISCARD ALL
 * cannot share a multi-statement query, so reset and route cost one round trip together.
 */
const PG_RESET =
  'set session authorization default; reset all; close all; unlisten *; select pg_advisory_unlock_all(); ' +
  'discard plans; discard temp; discard sequences; deallocate all; ';

// The switch goes straight to the driver: it is knexus's bookkeeping, not the app's query, so it neither
// appears in knex's query events nor pays for knex's query building.
const RUN_RAW: Readonly<Record<'pg' | 'mysql2', RawRunner>> = Object.freeze({
  pg: async (connection, sql) => {
    await (connection as { query(sql: string): Promise<unknown> }).query(sql);
  },
  mysql2: (connection, sql) =>
    new Promise<void>((resolve, reject) => {
      (connection as { query(sql: string, cb: (error: Error | null) => void): void }).query(sql, (error) => (error ? reject(error) : resolve()));
    }),
});

/** Resets the session and applies `route`: one multi-statement query on PostgreSQL, COM_RESET_CONNECTION then USE on MySQL. */
const RESET_AND_ROUTE: Readonly<Record<'pg' | 'mysql2', RawRunner>> = Object.freeze({
  pg: (connection, route) => RUN_RAW.pg(connection, PG_RESET + route),
  mysql2: async (connection, route) => {
    // Drops temporary tables, prepared statements, user variables, session settings and named locks;
    // keeps the handshake's character set (MariaDB 10.2+, MySQL 5.7+).
    await new Promise<void>((resolve, reject) => {
      (connection as { reset(cb: (error: Error | null) => void): void }).reset((error) => (error ? reject(error) : resolve()));
    });
    await RUN_RAW.mysql2(connection, route);
  },
});

/** knex's pool hook that prepares a fresh connection; run again after a reset, which undid what it set. */
export type AfterCreate = (connection: unknown, done: (error: Error | null, connection: unknown) => void) => void;

/**
 * Tracks which schema each physical connection of one pool is switched to (PostgreSQL `search_path`,
 * MySQL/MariaDB `USE`), so handing a connection to an app costs nothing when it is already on the app's
 * schema, and a session reset plus the switch otherwise.
 *
 * A route is the very statement that establishes it, so comparing routes is comparing session states.
 * A connection the pool just opened is in the owner's state (the driver's connection settings), which
 * is why the owner's route is the default for a connection never switched.
 */
export class SchemaRouter {
  /** The statement that puts a connection back into the owner's state. */
  readonly ownerRoute: string;
  readonly #resetAndRoute: RawRunner;
  readonly #afterCreate: AfterCreate | undefined;
  readonly #current = new WeakMap<object, string | typeof UNKNOWN>();
  #growthBlockedUntil = 0;

  constructor(client: 'pg' | 'mysql2', ownerRoute: string, afterCreate?: AfterCreate) {
    this.#resetAndRoute = RESET_AND_ROUTE[client];
    this.#afterCreate = afterCreate;
    this.ownerRoute = ownerRoute;
  }

  /** The statement that switches a connection to `schema` (then `searchPath`, PostgreSQL only). */
  static route(client: ClientName, schema: string, searchPath: readonly string[] = []): string {
    // Identifiers are validated (letters, digits, `_`) before they get here; quoting keeps their case.
    if (client === 'mysql2') return `use \`${schema}\``;
    return `set search_path to ${[schema, ...searchPath].map((s) => `"${s}"`).join(', ')}`;
  }

  /**
   * The owner's route: what a fresh connection of its pool is on. Undefined when apps with a schema of
   * their own cannot share the pool: SQLite, or MySQL without a default database to go back to.
   */
  static ownerRoute(client: ClientName, schema: string | undefined, searchPath: readonly string[], database: string | undefined): string | undefined {
    if (client === 'pg') return schema === undefined ? 'reset search_path' : SchemaRouter.route(client, schema, searchPath);
    if (client === 'mysql2') {
      const own = schema ?? database;
      return own === undefined ? undefined : SchemaRouter.route(client, own);
    }
    return undefined;
  }

  /** True when `connection` must run `route` before the app that wants it may use it. */
  needsSwitch(connection: object, route: string): boolean {
    return (this.#current.get(connection) ?? this.ownerRoute) !== route;
  }

  /** False for a while after opening a connection for affinity failed: switching is then the only way. */
  mayGrow(): boolean {
    return performance.now() >= this.#growthBlockedUntil;
  }

  /** Opening a connection instead of switching one failed; do not try that again for the next 5 seconds. */
  growthFailed(): void {
    this.#growthBlockedUntil = performance.now() + GROWTH_BACKOFF_MS;
  }

  /**
   * Resets `connection`'s session (temporary tables, prepared statements, settings, role, locks) and
   * switches it to `route`, so nothing one app left in the session reaches another. On failure the
   * connection's state is unknown, so every next user switches it.
   */
  async switch(connection: object, route: string): Promise<void> {
    this.#current.set(connection, UNKNOWN);
    await this.#resetAndRoute(connection, route);
    const afterCreate = this.#afterCreate;
    if (afterCreate !== undefined) {
      await new Promise<void>((resolve, reject) => afterCreate(connection, (error) => (error ? reject(error) : resolve())));
    }
    this.#current.set(connection, route);
  }

  /** Marks `connection`'s session as unknown (something outside knexus's view changed it): its next user resets it. */
  forget(connection: object): void {
    this.#current.set(connection, UNKNOWN);
  }
}
