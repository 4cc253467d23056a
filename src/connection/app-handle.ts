import type { Knex } from 'knex';
import pTimeout from 'p-timeout';
import { KnexusError } from '../errors.js';
import { checkPool, type PoolCheckOptions } from '../health/check-pool.js';
import type { HealthReport } from '../health/health-report.js';
import { ROLLBACK_OPTIONS, SEED_ROLLBACK_OPTIONS, assertRollbackOptions } from '../migrations/assert-rollback-options.js';
import type { LedgerStatus, RollbackResult, RunResult, SeedStatus } from '../migrations/ledger-types.js';
import { ModelCatalog } from '../models/model-catalog.js';
import type { ModelClass, ModelDefinition } from '../models/model-definition.js';
import { assertDuration } from '../util/duration.js';
import type { AppOperations, MigrationRollbackOptions, SeedRollbackOptions } from './app-operations.js';
import type { ConnectionTarget } from './connection-target.js';
import type { SharedPool } from './shared-pool.js';

/** Options of `withTransaction`. */
export interface TransactionOptions {
  /** SQL isolation level (ignored by SQLite, which is always serializable). */
  readonly isolationLevel?: Knex.IsolationLevels;
  /** Roll back and reject with KNEXUS_ERR_TRANSACTION_TIMEOUT after this many ms (below 2^31); 0 or none: no timeout. */
  readonly timeout?: number;
}

/**
 * One app's handle on its database: the knex instance (own or shared), its migrations, tracked
 * seeds, bound models, transactions and health. `registerApp` returns it; `getApp` gives it back.
 *
 * @example
 * const blog = await registry.registerApp('blog', { database, migrations: { directory: './migrations' } });
 * const Post = blog.getModel('Post');
 * await blog.withTransaction((trx) => Post.query(trx).insert({ title: 'Hello' }));
 */
export class AppHandle {
  /** The app's name. */
  readonly name: string;
  readonly #pool: SharedPool;
  readonly #knex: Knex;
  readonly #target: ConnectionTarget;
  readonly #models: ModelCatalog;
  readonly #health: PoolCheckOptions;
  readonly #operations: AppOperations;

  /** @internal Built by the AppRegistry. */
  constructor(
    name: string,
    pool: SharedPool,
    handle: { readonly knex: Knex; readonly target: ConnectionTarget },
    health: PoolCheckOptions,
    operations: AppOperations,
  ) {
    this.name = name;
    this.#pool = pool;
    this.#knex = handle.knex;
    this.#target = handle.target;
    this.#health = health;
    this.#operations = operations;
    this.#models = new ModelCatalog(name, handle.knex);
    // Hooks receive this object: its public face is read-only (the state lives in private fields).
    Object.freeze(this);
  }

  /**
   * The app's knex instance: shared with other apps when it uses `useConnection` alone; its own instance
   * on the shared pool, switching connections to its schema, when it uses `useConnection` with `schema`.
   */
  get knex(): Knex {
    return this.#knex;
  }

  /** `app.connection`, as plugins read `getAllApps()` items: this handle itself. */
  get connection(): this {
    return this;
  }

  /** Where the connection points, without secrets. */
  get target(): ConnectionTarget {
    return this.#target;
  }

  /** The app that opened the physical pool (itself unless it shares another app's). */
  get owner(): string {
    return this.#pool.owner;
  }

  /** True when more than one app uses this physical pool. */
  get shared(): boolean {
    return this.#pool.references > 1;
  }

  /**
   * Applies pending migrations as one batch, up to and including `to` when given. Emits
   * `migrations-started`/`-completed`; a failure is reported to plugins (`onOperationFailed`).
   */
  async runMigrations(options: { to?: string } = {}): Promise<RunResult> {
    this.#assertLive();
    return this.#operations.runMigrations(options);
  }

  /**
   * Undoes the last batch (default), the last `step` migrations, one `batch`, everything down to and
   * including `to` (knex's `migrate:down` by name), or `all` of them,
   * between `onAppRollbackStarted` and `onAppRollbackCompleted` (trigger `manual`).
   */
  async rollbackMigrations(options: MigrationRollbackOptions = {}): Promise<RollbackResult> {
    assertRollbackOptions(options, ROLLBACK_OPTIONS, this.name, 'rollbackMigrations');
    this.#assertLive();
    return this.#operations.rollbackMigrations(options);
  }

  /**
   * Marks every pending migration up to and including `to` as applied without running it (origin `baseline`),
   * for a database built by other means; with `fromKnex: true` instead records what knex's own ledger says
   * was applied (origin `imported`). Emits `migrations-started`/`-completed` like `runMigrations`.
   */
  async baselineMigrations(options: { to?: string; fromKnex?: boolean }): Promise<RunResult> {
    const { to, fromKnex } = options;
    if ((to === undefined) === (fromKnex !== true)) {
      throw new KnexusError(
        'KNEXUS_ERR_INVALID_CONFIG',
        `Baseline of app '${this.name}' needs either { to: '<migration name>' } or { fromKnex: true }`,
        {
          appName: this.name,
          field: to === undefined ? 'to' : 'fromKnex',
        },
      );
    }
    this.#assertLive();
    return this.#operations.baselineMigrations(options);
  }

  /** Applied migrations (batch, time, checksum), pending ones and drifted ones. Read-only. */
  async migrationStatus(): Promise<LedgerStatus> {
    this.#assertLive();
    return this.#operations.migrationStatus();
  }

  /** Runs the seeds this app has not run yet, as one batch (events and failures as `runMigrations`). */
  async runSeeds(): Promise<RunResult> {
    this.#assertLive();
    return this.#operations.runSeeds();
  }

  /** Undoes the last seed batch (default), the last `step` seeds, one `batch`, or `all` (hooks as `rollbackMigrations`). */
  async rollbackSeeds(options: SeedRollbackOptions = {}): Promise<RollbackResult> {
    assertRollbackOptions(options, SEED_ROLLBACK_OPTIONS, this.name, 'rollbackSeeds');
    this.#assertLive();
    return this.#operations.rollbackSeeds(options);
  }

  /** Applied seeds, pending ones, drifted ones and those that cannot be undone. Read-only. */
  async seedStatus(): Promise<SeedStatus> {
    this.#assertLive();
    return this.#operations.seedStatus();
  }

  /** Binds a model class (or builds one from a plain definition) to this app; returns the bound class. */
  registerModel(name: string, definition: ModelClass | ModelDefinition): ModelClass {
    return this.#models.register(name, definition);
  }

  /** Registers several models; returns the bound classes by name. */
  registerModels(definitions: Readonly<Record<string, ModelClass | ModelDefinition>>): Record<string, ModelClass> {
    return this.#models.registerAll(definitions);
  }

  /**
   * The bound model called `name`; throws KNEXUS_ERR_MODEL_NOT_FOUND otherwise. Name its class to
   * get typed queries: `blog.getModel<typeof Post>('Post').query()` yields `Post` instances.
   */
  getModel<M extends ModelClass = ModelClass>(name: string): M {
    return this.#models.get(name) as M;
  }

  /** Names of this app's models. */
  get modelNames(): readonly string[] {
    return this.#models.names();
  }

  /**
   * Runs `fn` in a transaction: committed if it resolves, rolled back if it throws or exceeds `timeout`.
   * `fn` may return any thenable, such as an Objection query builder.
   */
  async withTransaction<T>(fn: (trx: Knex.Transaction) => PromiseLike<T> | T, options: TransactionOptions = {}): Promise<T> {
    this.#assertLive();
    assertTransactionArgs(this.name, fn, options);
    const config: Knex.TransactionConfig = {};
    if (options.isolationLevel !== undefined) config.isolationLevel = options.isolationLevel;
    const { timeout } = options;
    if (timeout !== undefined) assertDuration(timeout, 'timeout', { zero: '0: no timeout', appName: this.name });
    if (timeout === undefined || timeout === 0) return this.knex.transaction(async (trx) => await fn(trx), config);
    const error = new KnexusError(
      'KNEXUS_ERR_TRANSACTION_TIMEOUT',
      `Transaction of app '${this.name}' exceeded ${timeout}ms and was rolled back`,
      { appName: this.name, timeoutMs: timeout },
    );
    return this.knex.transaction((trx) => pTimeout(Promise.resolve(fn(trx)), { milliseconds: timeout, message: error }), config);
  }

  /** One real round trip (`select 1`) on this app's pool, with latency and pool usage. */
  async healthCheck(): Promise<HealthReport> {
    const check = await checkPool(this.knex, this.#health);
    const report: HealthReport = {
      appName: this.name,
      status: check.status,
      latencyMs: check.latencyMs,
      pool: check.pool,
      checkedAt: new Date(),
    };
    return check.error ? { ...report, error: this.#pool.scrubber.scrub(check.error.message) } : report;
  }

  /** A handle kept after its app was unregistered (or the registry shut down) has a closed pool: say so, coded. */
  #assertLive(): void {
    if (this.#pool.users.includes(this.name)) return;
    throw new KnexusError(
      'KNEXUS_ERR_APP_NOT_FOUND',
      `App '${this.name}' was unregistered, so this handle's connection is closed; get the current one with registry.getApp('${this.name}')`,
      { appName: this.name },
    );
  }
}

const ISOLATION_LEVELS = ['read uncommitted', 'read committed', 'snapshot', 'repeatable read', 'serializable'] as const;

/** `withTransaction` arguments as documented, or a coded error naming the bad one. */
function assertTransactionArgs(appName: string, fn: unknown, options: unknown): void {
  const fail = (field: string, expected: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid withTransaction call on app '${appName}': '${field}' ${expected}`, {
      appName,
      field,
    });
  };
  if (typeof fn !== 'function') fail('fn', 'must be a function (trx) => Promise');
  if (options === null || typeof options !== 'object') return void fail('options', 'must be an object { isolationLevel?, timeout? }');
  const level = (options as { isolationLevel?: unknown }).isolationLevel;
  if (level !== undefined && !(ISOLATION_LEVELS as readonly unknown[]).includes(level))
    fail('isolationLevel', `must be one of ${ISOLATION_LEVELS.join(', ')}`);
}

/**
 * The app handle under the name the plugin API has always used for it (hooks receive it as `connection`).
 * The same class: `instanceof ConnectionManager` holds for every handle.
 */
export const ConnectionManager = AppHandle;
/** The app handle's type under its earlier name. */
export type ConnectionManager = AppHandle;
