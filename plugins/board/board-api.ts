import type {
  AppConfigView,
  PluginContext,
  AppState,
  ConnectionTarget,
  LedgerStatus,
  RegistryHealth,
  SeedStatus,
  TenantsStatus,
} from '../../src/index.js';
import type {
  AppsQuery,
  BoardAppDetail,
  BoardAppRow,
  BoardAppsPage,
  BoardLedger,
  BoardPluginRow,
  BoardTenantsPage,
  LedgerCounts,
  TenantsQuery,
} from './board-api-types.js';
import type { BoardHistory } from './board-history.js';

const MAX_PAGE_SIZE = 200;

/** What the board lists of an app: the registry's apps, plus registrations that failed (the registry drops those). */
interface Listed {
  readonly name: string;
  readonly state: AppState;
  readonly target: ConnectionTarget;
  readonly owner: string | undefined;
  readonly registeredAt: Date | undefined;
}

interface CachedLedgers {
  readonly at: number;
  readonly migrations: LedgerStatus | null;
  readonly seeds: SeedStatus | null;
}

/**
 * Builds the board's JSON documents from the registry. Ledgers are read only for the apps on the
 * requested page and cached for `maxAgeMs`, so a board over 10,000 apps costs one page of queries.
 */
export class BoardApi {
  readonly #registry: PluginContext;
  readonly #history: BoardHistory;
  readonly #maxAgeMs: number;
  readonly #ledgers = new Map<string, CachedLedgers>();
  readonly #starting = new Map<string, ConnectionTarget>();
  readonly #failed = new Map<string, Listed>();
  #lastHealth: RegistryHealth | undefined;

  constructor(registry: PluginContext, history: BoardHistory, maxAgeMs: number) {
    this.#registry = registry;
    this.#history = history;
    this.#maxAgeMs = maxAgeMs;
  }

  /** Remembers the latest health cycle (pool usage comes from it). */
  healthCompleted(health: RegistryHealth): void {
    this.#lastHealth = health;
    this.#history.recordHealth(health);
  }

  /** Notes where a registering app points, so a failed registration can still be listed. */
  registrationStarted(appName: string, view: AppConfigView): void {
    this.#starting.set(appName, view.target);
    this.#failed.delete(appName);
  }

  /** Keeps a failure for the detail view; a failed registration is listed (state `failed`) until the app registers again. */
  failed(appName: string, operation: string, error: unknown, duringRegistration: boolean): void {
    this.#history.recordFailure(appName, operation, error);
    if (!duringRegistration) return;
    const target = this.#starting.get(appName);
    this.#starting.delete(appName);
    // The registry still holds the failed app while the hooks run, and drops it right after.
    if (target === undefined) return;
    this.#failed.set(appName, { name: appName, state: 'failed', target, owner: undefined, registeredAt: undefined });
  }

  /** Forgets a registration in progress once it succeeded. */
  registered(appName: string): void {
    this.#starting.delete(appName);
  }

  /** Drops what is cached about an app that is gone. */
  forget(appName: string): void {
    this.#ledgers.delete(appName);
    this.#history.forget(appName);
  }

  #listed(): Listed[] {
    const apps = new Map<string, Listed>(this.#failed);
    for (const app of Object.values(this.#registry.getStatus().apps)) apps.set(app.name, app);
    return [...apps.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** One page of the apps table. */
  async apps(query: AppsQuery): Promise<BoardAppsPage> {
    const all = this.#listed();
    const states: Partial<Record<AppState, number>> = {};
    for (const app of all) states[app.state] = (states[app.state] ?? 0) + 1;
    const needle = query.q?.trim().toLowerCase() ?? '';
    const matching = all.filter(
      (app) => (query.state ? app.state === query.state : true) && (needle === '' || app.name.toLowerCase().includes(needle)),
    );
    const { page, pageSize, slice } = paged(matching, query);
    const apps = await Promise.all(slice.map(async (app) => this.#row(app, await this.#ledgersOf(app))));
    return { generatedAt: new Date().toISOString(), total: matching.length, page, pageSize, states, apps };
  }

  /** The detail view of `name`, or undefined when no such app is registered. */
  async app(name: string): Promise<BoardAppDetail | undefined> {
    const apps = this.#registry.getStatus().apps;
    const status: Listed | undefined = Object.hasOwn(apps, name) ? apps[name] : this.#failed.get(name);
    if (status === undefined) return undefined;
    const ledgers = await this.#ledgersOf(status, true);
    return {
      ...this.#row(status, ledgers),
      registeredAt: status.registeredAt?.toISOString() ?? null,
      ledger: { migrations: ledger(ledgers.migrations), seeds: ledger(ledgers.seeds) },
      failureLog: this.#history.failures(name),
      healthHistory: this.#history.health(name),
    };
  }

  /**
   * The tenant fleet (`getStatus().tenants`): counts by state, failures per code, and one page of the
   * failed tenants; undefined when the registry has no tenant directory.
   */
  tenants(query: TenantsQuery): BoardTenantsPage | undefined {
    // A registry with a tenant directory adds it to its status; the plugin context's type does not name it.
    const fleet = (this.#registry.getStatus() as { tenants?: TenantsStatus }).tenants;
    if (fleet === undefined) return undefined;
    const codes = new Map<string, number>();
    for (const failure of fleet.failed) codes.set(failure.code, (codes.get(failure.code) ?? 0) + 1);
    const needle = query.q?.trim().toLowerCase() ?? '';
    const matching = fleet.failed
      .filter(
        (failure) =>
          (query.code ? failure.code === query.code : true) &&
          (query.server ? failure.server === query.server : true) &&
          (needle === '' || failure.name.toLowerCase().includes(needle)),
      )
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { page, pageSize, slice } = paged(matching, query);
    return {
      generatedAt: new Date().toISOString(),
      owner: fleet.owner,
      resident: fleet.resident,
      attaching: fleet.attaching,
      failed: fleet.failed.length,
      codes: Object.fromEntries(codes),
      servers: (fleet.servers ?? []).map((server) => ({
        name: server.name,
        state: server.state,
        placed: server.placed ?? null,
        resident: server.resident,
        waiting: server.waiting,
        failed: fleet.failed.filter((failure) => failure.server === server.name).length,
      })),
      total: matching.length,
      page,
      pageSize,
      failures: slice.map(({ name, during, server, code, message, attempts, at }) => ({
        name,
        during,
        server: server ?? null,
        code,
        message,
        attempts,
        at,
      })),
    };
  }

  /** Every plugin with its per-hook calls, errors, timeouts and p50/p95 durations. */
  plugins(): BoardPluginRow[] {
    const { plugins } = this.#registry.getStatus().plugins;
    return Object.values(plugins).map((p) => ({
      name: p.name,
      version: p.version,
      state: p.status,
      calls: p.metrics.calls,
      errors: p.metrics.errors,
      timeouts: p.metrics.timeouts,
      lastError: p.metrics.lastError ?? null,
      hooks: Object.entries(p.metrics.hooks).map(([hook, s]) => ({
        hook,
        calls: s.calls,
        errors: s.errors,
        timeouts: s.timeouts,
        p50Ms: s.p50Ms,
        p95Ms: s.p95Ms,
      })),
    }));
  }

  #row(app: Listed, ledgers: CachedLedgers): BoardAppRow {
    const history = this.#history.health(app.name);
    return {
      name: app.name,
      state: app.state,
      target: app.target,
      owner: app.owner ?? null,
      migrations: counts(ledgers.migrations),
      seeds: counts(ledgers.seeds),
      health: history[history.length - 1] ?? null,
      pool: this.#lastHealth?.apps[app.name]?.pool ?? null,
      failures: this.#history.failures(app.name).length,
    };
  }

  async #ledgersOf(app: Listed, fresh = false): Promise<CachedLedgers> {
    const cached = this.#ledgers.get(app.name);
    if (!fresh && cached !== undefined && Date.now() - cached.at < this.#maxAgeMs) return cached;
    let read: CachedLedgers = { at: Date.now(), migrations: null, seeds: null };
    if (app.state === 'ready') {
      const connection = this.#registry.getApp(app.name);
      // A ledger that cannot be read right now (the app is going away) shows as unknown, not as an error page.
      const [migrations, seeds] = await Promise.all([
        connection.migrationStatus().catch(() => null),
        connection.seedStatus().catch(() => null),
      ]);
      read = { at: Date.now(), migrations, seeds };
    }
    this.#ledgers.set(app.name, read);
    return read;
  }
}

/** One page of `items`: the page number clamped to the pages there are, at most MAX_PAGE_SIZE rows. */
function paged<T>(
  items: readonly T[],
  query: { readonly page?: number; readonly pageSize?: number },
): { page: number; pageSize: number; slice: T[] } {
  const pageSize = Math.min(Math.max(1, Math.trunc(query.pageSize ?? 50)), MAX_PAGE_SIZE);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(query.page ?? 1)), pages);
  return { page, pageSize, slice: items.slice((page - 1) * pageSize, page * pageSize) };
}

function counts(status: LedgerStatus | null): LedgerCounts | null {
  if (status === null) return null;
  return {
    applied: status.applied.length,
    pending: status.pending.length,
    drifted: status.drifted.length,
    dirty: status.dirty.length,
    latest: status.applied[status.applied.length - 1]?.name ?? null,
  };
}

function ledger(status: LedgerStatus | null): BoardLedger | null {
  if (status === null) return null;
  return {
    applied: status.applied.map((e) => ({ name: e.name, batch: e.batch, appliedAt: new Date(e.appliedAt).toISOString() })),
    pending: status.pending,
    drifted: status.drifted.map((d) => d.name),
    dirty: status.dirty,
  };
}
