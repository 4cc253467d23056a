import type { Knex } from 'knex';
import { PluginInterface, type PluginContext, type AppHandle, type FailedOperation } from '../../src/index.js';
import { KnexQueryTap, type TappedQuery } from './knex-query-tap.js';
import { maskSqlLiterals, type SqlQuoting } from './mask-sql-literals.js';
import { QueryMetrics } from './query-metrics.js';
import {
  QUERY_MONITOR_CONFIG_SCHEMA,
  resolveQueryMonitorOptions,
  type QueryMonitorOptions,
  type ResolvedQueryMonitorOptions,
} from './query-monitor-options.js';
import { QueryStats, type QueryStatsSnapshot } from './query-stats.js';

export { QUERY_MONITOR_CONFIG_SCHEMA, QUERY_MONITOR_DEFAULTS, type QueryMonitorOptions } from './query-monitor-options.js';
export type { QueryStatsSnapshot } from './query-stats.js';

/** Payload of the `query-monitor:slow-query` registry event: the SQL text with placeholders, never bound values nor literals. */
export interface SlowQueryEvent {
  /** The app that opened the connection the query ran on. */
  readonly appName: string;
  /** Every app using that connection (more than one when it is shared with `useConnection`). */
  readonly apps: readonly string[];
  /** The statement with its string and numeric literals shown as `?` (bound values never appear). */
  readonly sql: string;
  readonly method: string | null;
  readonly durationMs: number;
  readonly failed: boolean;
  readonly time: string;
}

/** The registry event a slow query emits. */
export const SLOW_QUERY_EVENT = 'query-monitor:slow-query';
/** The service `metrics-http` (or anyone) reads the Prometheus series from. */
export const QUERY_METRICS_SERVICE = 'metrics:query-monitor';

/** One watched physical connection: the apps on it, its tap and its numbers. */
interface Watch {
  readonly owner: string;
  readonly apps: Set<string>;
  readonly tap: KnexQueryTap;
  readonly stats: QueryStats;
}

/**
 * Counts each app's queries, errors and latency from knex's query events, reports slow queries as
 * `query-monitor:slow-query` events, adds `{ queries, errors, errorRate, p50Ms, p95Ms, slowQueries }`
 * to health reports and exports Prometheus series as the `metrics:query-monitor` service.
 * Apps sharing a connection share its numbers: knex cannot tell which of them ran a query.
 *
 * @example
 * ```ts
 * await registry.loadPlugin(QueryMonitorPlugin, { slowQueryMs: 200 });
 * registry.on('query-monitor:slow-query', (event) => console.warn(event.appName, event.durationMs, event.sql));
 * ```
 */
export default class QueryMonitorPlugin extends PluginInterface<QueryMonitorOptions> {
  /** Validated (and defaulted) by knexus before `initialize`; a bad option is a coded error naming its path. */
  static readonly configSchema = QUERY_MONITOR_CONFIG_SCHEMA;
  #options: ResolvedQueryMonitorOptions | undefined;
  #registry: PluginContext | undefined;
  #metrics: QueryMetrics | undefined;
  readonly #watches = new Map<Knex, Watch>();
  readonly #appKnex = new Map<string, Knex>();
  readonly #recentSlow: SlowQueryEvent[] = [];

  /** The config arrives validated against `configSchema`, defaults filled; `initialize` applies it. */
  constructor() {
    super('query-monitor', '1.0.0');
  }

  /** Checks what the schema cannot (buckets ascend); throws a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the field. */
  override validateConfiguration(config: QueryMonitorOptions): void {
    resolveQueryMonitorOptions(config);
  }

  /** Starts watching the apps already registered and exports the metrics service. */
  initialize(registry: PluginContext, config: QueryMonitorOptions): void {
    this.#options = resolveQueryMonitorOptions(config);
    this.#registry = registry;
    const metrics = new QueryMetrics(this.#options.buckets);
    this.#metrics = metrics;
    registry.exportService(this, QUERY_METRICS_SERVICE, { metrics: () => metrics.render() });
    for (const connection of registry.getAllApps()) this.#watch(connection.name, connection);
  }

  /** Stops listening to every connection. */
  override shutdown(): void {
    for (const knex of [...this.#watches.keys()]) this.#unwatchKnex(knex);
  }

  /** Per-app numbers and the most recent slow queries. */
  override getStatus(): { apps: Record<string, QueryStatsSnapshot>; recentSlowQueries: readonly SlowQueryEvent[] } {
    // No prototype: an app may be called __proto__ or constructor.
    const apps = Object.create(null) as Record<string, QueryStatsSnapshot>;
    for (const name of this.#appKnex.keys()) {
      const stats = this.getStats(name);
      if (stats !== undefined) apps[name] = stats;
    }
    return { apps, recentSlowQueries: [...this.#recentSlow] };
  }

  /** The numbers of `appName`'s connection, or undefined when it is not watched. */
  getStats(appName: string): QueryStatsSnapshot | undefined {
    const knex = this.#appKnex.get(appName);
    return knex === undefined ? undefined : this.#watches.get(knex)?.stats.snapshot();
  }

  override onConnectionCreated(appName: string, connection: AppHandle): void {
    this.#watch(appName, connection);
  }

  override onAppRegistered(appName: string, connection: AppHandle): void {
    this.#watch(appName, connection);
  }

  override onConnectionShutdown(_appName: string, connection: AppHandle): void {
    this.#unwatchKnex(connection.knex);
  }

  override onAppUnregistered(appName: string): void {
    this.#unwatchApp(appName);
  }

  override onOperationFailed(
    appName: string,
    _operation: FailedOperation,
    _error: Error,
    context: Readonly<Record<string, unknown>>,
  ): void {
    // A failed registration never reaches onAppUnregistered.
    if (context['during'] === 'registration') this.#unwatchApp(appName);
  }

  override onHealthCheck(appName: string): Record<string, unknown> | undefined {
    const stats = this.getStats(appName);
    return stats === undefined ? undefined : { ...stats };
  }

  #watch(appName: string, connection: AppHandle): void {
    const knex = connection.knex;
    const previous = this.#appKnex.get(appName);
    if (previous !== undefined && previous !== knex) this.#unwatchApp(appName);
    let watch = this.#watches.get(knex);
    if (watch === undefined) {
      // One watch per knex instance, named after the app that owns it: the pool owner for apps sharing its
      // knex, the app itself when it has a knex of its own on a shared pool (useConnection + schema).
      const registry = this.#registry;
      const ownerKnex = registry?.hasApp(connection.owner) ? registry.getApp(connection.owner).knex : knex;
      const owner = knex === ownerKnex ? connection.owner : appName;
      const stats = new QueryStats(this.#options!.sampleSize);
      const apps = new Set<string>();
      const quoting = { mysql: connection.target.client.startsWith('mysql') };
      const tap = new KnexQueryTap(knex, (query) => this.#observe(owner, apps, stats, query, quoting));
      watch = { owner, apps, tap, stats };
      this.#watches.set(knex, watch);
      this.#metrics?.track(owner);
    }
    watch.apps.add(appName);
    this.#appKnex.set(appName, knex);
  }

  #unwatchApp(appName: string): void {
    const knex = this.#appKnex.get(appName);
    if (knex === undefined) return;
    this.#appKnex.delete(appName);
    const watch = this.#watches.get(knex);
    watch?.apps.delete(appName);
    if (watch !== undefined && watch.apps.size === 0) this.#unwatchKnex(knex);
  }

  #unwatchKnex(knex: Knex): void {
    const watch = this.#watches.get(knex);
    if (watch === undefined) return;
    watch.tap.detach();
    this.#watches.delete(knex);
    for (const app of watch.apps) if (this.#appKnex.get(app) === knex) this.#appKnex.delete(app);
    this.#metrics?.forget(watch.owner);
  }

  #observe(owner: string, apps: ReadonlySet<string>, stats: QueryStats, query: TappedQuery, quoting: SqlQuoting): void {
    const options = this.#options!;
    const slow = query.durationMs >= options.slowQueryMs;
    stats.record(query.durationMs, query.failed, slow);
    this.#metrics?.observe(owner, query.durationMs, query.failed, slow);
    if (!slow) return;
    // Literals can be secrets (ALTER ROLE … PASSWORD '…'); masked before the cut, so a cut never reveals one.
    const sql = maskSqlLiterals(query.sql, quoting);
    const event: SlowQueryEvent = {
      appName: owner,
      apps: [...apps],
      sql: sql.length > options.maxSqlLength ? `${sql.slice(0, options.maxSqlLength)}…` : sql,
      method: query.method,
      durationMs: query.durationMs,
      failed: query.failed,
      time: new Date().toISOString(),
    };
    if (options.recentSlowQueries > 0) {
      this.#recentSlow.push(event);
      if (this.#recentSlow.length > options.recentSlowQueries) this.#recentSlow.shift();
    }
    try {
      this.#registry?.emit(SLOW_QUERY_EVENT, event);
    } catch {
      // This runs inside knex's event dispatch: a throwing listener must not break the app's query.
    }
  }
}
