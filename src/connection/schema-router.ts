import type { AfterCreate, Dialect } from '../dialects/dialect.js';

/** Marks a connection whose session state is not known (a switch failed half way, a migration changed it). */
const UNKNOWN = Symbol('unknown schema');

/** How long affinity switches rather than opens connections after opening one failed. */
const GROWTH_BACKOFF_MS = 5_000;

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
  readonly #dialect: Dialect;
  readonly #afterCreate: AfterCreate | undefined;
  readonly #current = new WeakMap<object, string | typeof UNKNOWN>();
  #growthBlockedUntil = 0;

  /** `afterCreate`: the pool's hook for fresh connections, run again after each reset (which undid what it set). */
  constructor(dialect: Dialect, ownerRoute: string, afterCreate?: AfterCreate) {
    this.#dialect = dialect;
    this.#afterCreate = afterCreate;
    this.ownerRoute = ownerRoute;
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
   * Resets `connection`'s session and switches it to `route`, so nothing one app left in the session
   * (temporary tables, prepared statements, settings, role) reaches another. On failure the
   * connection's state is unknown, so every next user switches it.
   */
  async switch(connection: object, route: string): Promise<void> {
    this.#current.set(connection, UNKNOWN);
    const afterCreate = this.#afterCreate;
    if (afterCreate === undefined) {
      await this.#dialect.resetSession(connection, route);
    } else {
      // The hook runs before the route: it may itself switch (a MySQL owner's own database).
      await this.#dialect.resetSession(connection);
      await new Promise<void>((resolve, reject) => afterCreate(connection, (error) => (error ? reject(error) : resolve())));
      await this.#dialect.runRaw(connection, route);
    }
    this.#current.set(connection, route);
  }

  /**
   * The statements that reset `connection` and put it on `route`, for its holder to lead its first
   * statement with (the connection counts as unknown until `switched`); undefined when the switch must
   * run on its own (an afterCreate hook, a reset that is no SQL).
   */
  leadingSwitch(connection: object, route: string): string | undefined {
    if (this.#afterCreate !== undefined) return undefined;
    const lead = this.#dialect.leadingSwitch?.(route);
    if (lead !== undefined) this.#current.set(connection, UNKNOWN);
    return lead;
  }

  /** Records that `connection` ran what `leadingSwitch` gave for `route`. */
  switched(connection: object, route: string): void {
    this.#current.set(connection, route);
  }

  /** Marks `connection`'s session as unknown (something outside knexus's view changed it): its next user resets it. */
  forget(connection: object): void {
    this.#current.set(connection, UNKNOWN);
  }
}
