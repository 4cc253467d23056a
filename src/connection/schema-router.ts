import type { ClientName } from '../clients.js';

/** Marks a connection whose session state is not known (a switch failed half way). */
const UNKNOWN = Symbol('unknown schema');

/** How long affinity switches rather than opens connections after opening one failed. */
const GROWTH_BACKOFF_MS = 5_000;

type RawRunner = (connection: unknown, sql: string) => Promise<void>;

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

/**
 * Tracks which schema each physical connection of one pool is switched to (PostgreSQL `search_path`,
 * MySQL/MariaDB `USE`), so handing a connection to an app costs nothing when it is already on the app's
 * schema and one statement otherwise.
 *
 * A route is the very statement that establishes it, so comparing routes is comparing session states.
 * A connection the pool just opened is in the owner's state (the driver's connection settings), which
 * is why the owner's route is the default for a connection never switched.
 */
export class SchemaRouter {
  /** The statement that puts a connection back into the owner's state. */
  readonly ownerRoute: string;
  readonly #run: RawRunner;
  readonly #current = new WeakMap<object, string | typeof UNKNOWN>();
  #growthBlockedUntil = 0;

  constructor(client: 'pg' | 'mysql2', ownerRoute: string) {
    this.#run = RUN_RAW[client];
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

  /** Switches `connection` to `route`; on failure the connection's state is unknown, so every next user switches it. */
  async switch(connection: object, route: string): Promise<void> {
    this.#current.set(connection, UNKNOWN);
    await this.#run(connection, route);
    this.#current.set(connection, route);
  }
}
