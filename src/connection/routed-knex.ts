import knexFactory, { type Knex } from 'knex';
import { ACQUIRE_LEADING, FORGET_SESSION, type LeadingConnection } from '../util/session-marks.js';
import type { SchemaRouter } from './schema-router.js';
import { type PooledClient, TenantRoute } from './tenant-route.js';

const ROUTE = Symbol('knexus.route');
const OWN_VERSION = Symbol('knexus.version');

type Dialect = new (config: Knex.Config) => PooledClient;
type RoutedDialect = Dialect & { prototype: { [ROUTE]: TenantRoute } };
const routedClasses = new WeakMap<Dialect, Dialect>();

/**
 * The dialect's client class, acquiring every pooled connection through the route its prototype holds.
 *
 * The route sits on a per-app subclass's prototype, not on the instance: knex derives clients from the
 * prototype (`withUserParams` copies only own string keys onto `Object.create(prototype)`, transactions
 * build their client the same way), so every knex derived from a tenant's knex inherits its route.
 */
function routedClass(Base: Dialect): Dialect {
  let Routed = routedClasses.get(Base);
  if (Routed === undefined) {
    Routed = class RoutedClient extends Base {
      declare [ROUTE]: TenantRoute;
      declare [OWN_VERSION]: string | undefined;

      // knex's pg client learns the server version on the pool owner's client when it opens a connection.
      override get version(): string | undefined {
        return this[ROUTE].source.version ?? this[OWN_VERSION];
      }

      override set version(value: string | undefined) {
        this[OWN_VERSION] = value;
      }

      override acquireConnection(): Promise<object> {
        return this[ROUTE].acquire(
          this.pool,
          () => super.acquireConnection(),
          (connection) => super.releaseConnection(connection),
        );
      }

      override releaseConnection(connection: object): Promise<void> {
        this[ROUTE].released();
        return super.releaseConnection(connection);
      }

      [FORGET_SESSION](connection: object): void {
        this[ROUTE].router?.forget(connection);
      }

      [ACQUIRE_LEADING](): Promise<LeadingConnection> {
        return this[ROUTE].acquireLeading(
          this.pool,
          () => super.acquireConnection(),
          (connection) => super.releaseConnection(connection),
        );
      }
    } as unknown as Dialect;
    routedClasses.set(Base, Routed);
  }
  return Routed;
}

/**
 * A knex instance of its own (own events, own Objection bindings, own `userParams`) that runs on the
 * pool of `base` and switches every connection it acquires to `route.route` first.
 *
 * It is a real knex built by knex's factory in external-pool mode (`connectionPool`), so destroying it
 * never closes the shared pool.
 */
export function routedKnex(base: Knex, route: TenantRoute, userParams: Record<string, unknown>): Knex {
  const source = base.client as unknown as PooledClient;
  const { connection: _connection, pool: _pool, client: name, ...rest } = source.config;
  const Routed = class extends routedClass(source.constructor as Dialect) {} as RoutedDialect;
  Object.defineProperty(Routed.prototype, ROUTE, { value: route });
  const knex = knexFactory({ ...rest, client: Routed, connectionPool: source.pool } as unknown as Knex.Config);
  const client = knex.client as unknown as PooledClient & { config: Record<string, unknown> };
  // Code that asks the client for its dialect by name (knex's own CockroachDB check) keeps working.
  if (name !== undefined) client.config['client'] = name;
  // knex cancels a timed-out query from a side connection opened with these settings.
  client.connectionSettings = source.connectionSettings;
  knex.userParams = userParams;
  return knex;
}

/** A route's own statement for `source`'s pool, for the pool owner. */
export function ownerRoute(base: Knex, router: SchemaRouter): TenantRoute {
  return new TenantRoute(router, router.ownerRoute, base.client as unknown as PooledClient);
}

/**
 * Makes the pool owner's own knex switch connections back to the owner's state before using them,
 * since a tenant may have left one on its schema. Installed once, when the first tenant joins the pool.
 * Own properties of the client, so `withUserParams` copies of the owner's knex keep them.
 */
export function routeOwner(base: Knex, router: SchemaRouter): void {
  const client = base.client as unknown as PooledClient & Record<PropertyKey, unknown>;
  const prototype = Object.getPrototypeOf(client) as PooledClient;
  const route = ownerRoute(base, router);
  client['acquireConnection'] = function (this: PooledClient) {
    return route.acquire(
      this.pool,
      () => prototype.acquireConnection.call(this),
      (connection) => prototype.releaseConnection.call(this, connection),
    );
  };
  client['releaseConnection'] = function (this: PooledClient, connection: object) {
    route.released();
    return prototype.releaseConnection.call(this, connection);
  };
  client[FORGET_SESSION] = (connection: object) => router.forget(connection);
}

/** Pooled connections `knex` holds right now: its route's for a tenant, the whole pool's otherwise. */
export function activeConnections(knex: Knex): number {
  const client = knex.client as unknown as { [ROUTE]?: TenantRoute; pool?: { numUsed?(): number } };
  return client[ROUTE]?.active ?? client.pool?.numUsed?.() ?? 0;
}

/**
 * Resolves true once `knex` holds no pooled connection (its route's for a tenant, the whole pool's, polled,
 * otherwise), or false when `timeoutMs` passes first.
 */
export async function whenIdle(knex: Knex, timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
  if (activeConnections(knex) === 0) return true;
  const deadline = performance.now() + timeoutMs;
  const route = (knex.client as unknown as { [ROUTE]?: TenantRoute })[ROUTE];
  if (route !== undefined) {
    if (timeoutMs === Number.POSITIVE_INFINITY) return route.idle().then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return Promise.race([route.idle().then(() => true), expired]).finally(() => clearTimeout(timer));
  }
  while (activeConnections(knex) > 0) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/**
 * Makes `knex` (an app's own pool, closed) and every knex derived from it reject new acquisitions with
 * `error` instead of knex's "Unable to acquire a connection".
 */
export function revokeKnex(knex: Knex, error: Error): void {
  const client = knex.client as unknown as Record<string, unknown> & { pool?: Record<string, unknown> };
  const refuse = () => Promise.reject(error);
  client['acquireConnection'] = refuse;
  // Copies made by withUserParams before the close share the pool object, not the client.
  if (client.pool) {
    client.pool['acquire'] = () => {
      throw error;
    };
  }
}
