import type { Knex } from 'knex';
import type { LeadingConnection } from '../util/session-marks.js';
import { acquireWithAffinity } from './prefer-own-route.js';
import type { SchemaRouter } from './schema-router.js';

/** The parts of knex's client this module relies on (knex 3: lib/client.js). */
export interface PooledClient {
  acquireConnection(): Promise<object>;
  releaseConnection(connection: object): Promise<void>;
  readonly config: Knex.Config & Record<string, unknown>;
  readonly pool: unknown;
  connectionSettings: unknown;
  version?: string | undefined;
}

/**
 * One app's way onto a shared pool: the statement that puts a connection on its schema, the connections
 * it holds right now, and whether it may still acquire (revoked when the app leaves the pool).
 */
export class TenantRoute {
  /** Switches connections between sessions' routes; undefined when routes are set per transaction (a transaction pooler). */
  readonly router: SchemaRouter | undefined;
  readonly route: string;
  /** The client that owns the pool; its version and connection settings are the tenant's too. */
  readonly source: PooledClient;
  #active = 0;
  #revoked: (() => Error) | undefined;
  #idle: (() => void)[] = [];

  constructor(router: SchemaRouter | undefined, route: string, source: PooledClient) {
    this.router = router;
    this.route = route;
    this.source = source;
  }

  /** Pooled connections this app holds right now (queries, transactions in flight). */
  get active(): number {
    return this.#active;
  }

  /** Resolves once the app holds no pooled connection (a transaction in flight keeps its connection until it ends). */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * From now on every acquisition through this route rejects with the error `gone` makes (made then, not
   * now: most routes are never used again); connections held stay usable.
   */
  revoke(gone: () => Error): void {
    this.#revoked = gone;
  }

  acquire(pool: unknown, acquire: () => Promise<object>, release: (connection: object) => Promise<void>): Promise<object> {
    if (this.#revoked !== undefined) return Promise.reject(this.#revoked());
    const { router, route } = this;
    if (router === undefined) {
      return acquire().then((connection) => {
        this.#active += 1;
        return connection;
      });
    }
    return acquireWithAffinity(pool, router, route, acquire).then((connection) => {
      this.#active += 1;
      return router.needsSwitch(connection, route) ? this.#switchOrRelease(connection, release) : connection;
    });
  }

  /**
   * Acquires as `acquire` does, but when the connection needs a switch that can lead the holder's first
   * statement, leaves it to the holder: `lead` is then what to run, and `switched()` records it ran.
   */
  acquireLeading(
    pool: unknown,
    acquire: () => Promise<object>,
    release: (connection: object) => Promise<void>,
  ): Promise<LeadingConnection> {
    const { router, route } = this;
    if (router === undefined || this.#revoked !== undefined) {
      return this.acquire(pool, acquire, release).then((connection) => ({ connection, lead: undefined, switched: () => undefined }));
    }
    return acquireWithAffinity(pool, router, route, acquire).then(async (connection) => {
      this.#active += 1;
      if (!router.needsSwitch(connection, route)) return { connection, lead: undefined, switched: () => undefined };
      const lead = router.leadingSwitch(connection, route);
      if (lead !== undefined) return { connection, lead, switched: () => router.switched(connection, route) };
      return { connection: await this.#switchOrRelease(connection, release), lead: undefined, switched: () => undefined };
    });
  }

  released(): void {
    this.#active -= 1;
    if (this.#active === 0) for (const wake of this.#idle.splice(0)) wake();
  }

  async #switchOrRelease(connection: object, release: (connection: object) => Promise<void>): Promise<object> {
    try {
      await this.router!.switch(connection, this.route);
    } catch (error) {
      // The caller never gets this connection, so it never releases it through the route.
      this.released();
      await release(connection);
      throw error;
    }
    return connection;
  }
}
