import type { Knex } from 'knex';
import pLimit, { type LimitFunction } from 'p-limit';
import { KnexusError } from '../errors.js';
import type { ConnectionTarget } from './connection-target.js';
import { revokeKnex, routedKnex, routeOwner } from './routed-knex.js';
import { TenantRoute } from './tenant-route.js';
import { SchemaRouter } from './schema-router.js';
import type { AfterCreate } from '../dialects/dialect.js';
import { dialectOf } from '../dialects/dialect-of.js';
import type { SecretScrubber } from './secret-scrubber.js';

/** How a SharedPool is set up, beside its knex instance. */
export interface SharedPoolOptions {
  /** Other apps may share it with `useConnection`. */
  readonly reusable: boolean;
  /**
   * The statement that puts a connection back into the owner's schema state (`reset search_path`,
   * `use db`); undefined when apps with their own schema cannot share this pool (SQLite, MySQL without a database).
   */
  readonly ownerRoute: string | undefined;
  /** How many apps on this pool may run migrations or seeds at once; 0 derives it from the pool's size. */
  readonly migrationConcurrency: number;
  /**
   * Behind a transaction pooler: the pool on the server itself (`directConnection`), where the apps of
   * this pool run migrations and seeds; its users follow this pool's.
   */
  readonly direct?: SharedPool | undefined;
}

/** One physical connection pool and the apps using it; closed when the last user leaves. */
export class SharedPool {
  readonly owner: string;
  readonly knex: Knex;
  readonly target: ConnectionTarget;
  readonly scrubber: SecretScrubber;
  readonly reusable: boolean;
  /** Runs one migration or seed session at a time per slot, so sessions never take every pooled connection. */
  readonly limit: LimitFunction;
  /** The pool on the server itself, bypassing a transaction pooler, for migrations and seeds; undefined when there is none. */
  readonly direct: SharedPool | undefined;
  readonly #ownerRoute: string | undefined;
  readonly #users = new Set<string>();
  readonly #tenants = new Map<string, TenantRoute>();
  #router: SchemaRouter | undefined;
  #everShared = false;
  #borrowed = 0;

  constructor(owner: string, knex: Knex, target: ConnectionTarget, scrubber: SecretScrubber, options: SharedPoolOptions) {
    this.owner = owner;
    this.knex = knex;
    this.target = target;
    this.scrubber = scrubber;
    this.reusable = options.reusable;
    this.#ownerRoute = options.ownerRoute;
    this.direct = options.direct;
    this.limit = pLimit(options.migrationConcurrency > 0 ? options.migrationConcurrency : defaultConcurrency(knex));
    this.#users.add(owner);
  }

  /** How many apps use this pool. */
  get references(): number {
    return this.#users.size;
  }

  /** Names of the apps using this pool. */
  get users(): readonly string[] {
    return [...this.#users];
  }

  /** Names of the apps on this pool with a schema of their own (not the owner); a borrowed route counts under its tenant's name. */
  get tenants(): readonly string[] {
    return [...this.#tenants.keys()].map((user) => user.split('\0')[0]!);
  }

  /** True when apps with a schema of their own can share this pool. */
  get routable(): boolean {
    return this.#ownerRoute !== undefined;
  }

  /** True once another app than the owner has used this pool. */
  get everShared(): boolean {
    return this.#everShared;
  }

  /** Adds a user; returns the new reference count. */
  retain(appName: string): number {
    if (appName !== this.owner) this.#everShared = true;
    this.#users.add(appName);
    return this.#users.size;
  }

  /**
   * Adds a user with a schema of its own and returns its knex: a separate instance on this pool whose
   * connections are switched to `route` before each use.
   */
  retainTenant(appName: string, route: string, schema: string): Knex {
    const knex = this.#routeTo(appName, appName, route, schema);
    this.retain(appName);
    return knex;
  }

  /**
   * A route onto `schema` for work that registers nothing (a fleet job on a tenant that is not attached):
   * a knex as `retainTenant` gives, listed among this pool's tenants (so its owner cannot unregister)
   * until `release()` revokes it. It is no user: a shutdown closes the pool under it. Borrowing never
   * clashes with a registration of the same name.
   */
  borrowTenant(appName: string, route: string, schema: string): { readonly knex: Knex; release(gone: () => Error): void } {
    const key = `${appName}\0${++this.#borrowed}`;
    const knex = this.#routeTo(key, appName, route, schema);
    return {
      knex,
      release: (gone) => {
        this.#tenants.get(key)?.revoke(gone);
        this.#tenants.delete(key);
      },
    };
  }

  #routeTo(key: string, appName: string, route: string, schema: string): Knex {
    const dialect = dialectOf(this.target.client, this.target.pooler);
    const scoped = dialect.routing === 'transaction';
    const tenantRoute = new TenantRoute(scoped ? undefined : this.#routerOrInstall(), route, this.knex.client as never);
    const knex = routedKnex(this.knex, tenantRoute, { knexus: { appName, schema } });
    if (scoped) dialect.scopeStatements?.(knex, route);
    this.#tenants.set(key, tenantRoute);
    return knex;
  }

  /**
   * Removes a user; returns true when it was the last one (the pool should close). A tenant's knex, and
   * every knex derived from it, rejects new queries with `gone(appName)` from then on; so does the
   * pool's own knex, under its owner's name, once the pool closes.
   */
  release(appName: string, gone: (appName: string) => Error): boolean {
    this.direct?.release(appName, gone);
    this.#users.delete(appName);
    this.#tenants.get(appName)?.revoke(() => gone(appName));
    this.#tenants.delete(appName);
    const last = this.#users.size === 0;
    if (last) revokeKnex(this.knex, gone(this.owner));
    return last;
  }

  #routerOrInstall(): SchemaRouter {
    if (this.#router !== undefined) return this.#router;
    const dialect = dialectOf(this.target.client);
    if (this.#ownerRoute === undefined || !dialect.schemas) {
      // The registry checks this before registering (assertTenantFits); reaching it is a knexus bug.
      throw new KnexusError(
        'KNEXUS_ERR_USE_CONNECTION',
        `The pool of '${this.owner}' cannot switch schemas (SQLite, or MySQL without a database)`,
        {
          appName: this.owner,
          field: 'schema',
        },
      );
    }
    const afterCreate = (this.knex.client as { config?: { pool?: { afterCreate?: AfterCreate } } }).config?.pool?.afterCreate;
    this.#router = new SchemaRouter(dialect, this.#ownerRoute, afterCreate);
    routeOwner(this.knex, this.#router);
    return this.#router;
  }
}

/** A few sessions at once, always leaving a pooled connection for everything else. */
function defaultConcurrency(knex: Knex): number {
  const max = (knex.client as { pool?: { max?: number } }).pool?.max ?? 1;
  return Math.max(1, Math.min(4, max - 1));
}
