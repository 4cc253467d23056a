import knexFactory, { type Knex } from 'knex';
import { acquireWithAffinity } from './prefer-own-route.js';
import type { SchemaRouter } from './schema-router.js';

/** The parts of knex's client this module relies on (knex 3: lib/client.js). */
interface PooledClient {
  acquireConnection(): Promise<object>;
  releaseConnection(connection: object): Promise<void>;
  readonly config: Knex.Config & Record<string, unknown>;
  readonly pool: unknown;
  connectionSettings: unknown;
  version?: string | undefined;
}

interface Route {
  readonly router: SchemaRouter;
  readonly route: string;
  /** The client that owns the pool; its version and connection settings are the tenant's too. */
  readonly source: PooledClient;
}

const ROUTE = Symbol('knexus.route');
const OWN_VERSION = Symbol('knexus.version');

type Dialect = new (config: Knex.Config) => PooledClient;
const routedClasses = new WeakMap<Dialect, Dialect>();

/**
 * Hands out pooled connections already on the client's route. knex acquires a connection once per
 * query, per transaction (which then keeps it) and per lock session, always through
 * `client.acquireConnection()`, so switching here runs before the first statement of each of them.
 */
function routedClass(Base: Dialect): Dialect {
  let Routed = routedClasses.get(Base);
  if (Routed === undefined) {
    Routed = class RoutedClient extends Base {
      declare [ROUTE]: Route | undefined;
      declare [OWN_VERSION]: string | undefined;

      // knex's pg client learns the server version on the pool owner's client when it opens a connection.
      override get version(): string | undefined {
        return this[ROUTE]?.source.version ?? this[OWN_VERSION];
      }

      override set version(value: string | undefined) {
        this[OWN_VERSION] = value;
      }

      override acquireConnection(): Promise<object> {
        const route = this[ROUTE];
        // knex's transaction clients are built from this prototype without a route; they never acquire.
        if (route === undefined) return super.acquireConnection();
        const acquire = () => super.acquireConnection();
        return acquireWithAffinity(this.pool, route.router, route.route, acquire).then((connection) => enter(this, route.router, route.route, connection));
      }
    } as unknown as Dialect;
    routedClasses.set(Base, Routed);
  }
  return Routed;
}

/** The connection, switched to `route` first if it is elsewhere (synchronous when it is not: the hot path). */
function enter(client: PooledClient, router: SchemaRouter, route: string, connection: object): object | Promise<object> {
  return router.needsSwitch(connection, route) ? switchOrRelease(client, router, route, connection) : connection;
}

async function switchOrRelease(client: PooledClient, router: SchemaRouter, route: string, connection: object): Promise<object> {
  try {
    await router.switch(connection, route);
  } catch (error) {
    await client.releaseConnection(connection);
    throw error;
  }
  return connection;
}

/**
 * A knex instance of its own (own events, own Objection bindings, own `userParams`) that runs on the
 * pool of `base` and switches every connection it acquires to `route` first.
 *
 * It is a real knex built by knex's factory in external-pool mode (`connectionPool`), so destroying it
 * never closes the shared pool; it is built in a third of the time of `withUserParams`, which deep-merges
 * the whole client, connection settings included.
 */
export function routedKnex(base: Knex, router: SchemaRouter, route: string, userParams: Record<string, unknown>): Knex {
  const source = base.client as unknown as PooledClient;
  const { connection: _connection, pool: _pool, client: name, ...rest } = source.config;
  const knex = knexFactory({ ...rest, client: routedClass(source.constructor as Dialect), connectionPool: source.pool } as unknown as Knex.Config);
  const client = knex.client as unknown as PooledClient & { [ROUTE]: Route; config: Record<string, unknown> };
  // Code that asks the client for its dialect by name (knex's own CockroachDB check) keeps working.
  if (name !== undefined) client.config['client'] = name;
  // knex cancels a timed-out query from a side connection opened with these settings.
  client.connectionSettings = source.connectionSettings;
  client[ROUTE] = { router, route, source };
  knex.userParams = userParams;
  return knex;
}

/**
 * Makes the pool owner's own knex switch connections back to the owner's state before using them,
 * since a tenant may have left one on its schema. Installed once, when the first tenant joins the pool.
 */
export function routeOwner(base: Knex, router: SchemaRouter): void {
  const client = base.client as unknown as PooledClient;
  const acquire = Object.getPrototypeOf(client).acquireConnection as PooledClient['acquireConnection'];
  (client as { acquireConnection: PooledClient['acquireConnection'] }).acquireConnection = function (this: PooledClient) {
    return acquireWithAffinity(this.pool, router, router.ownerRoute, () => acquire.call(this)).then((connection) =>
      enter(this, router, router.ownerRoute, connection),
    );
  };
}
