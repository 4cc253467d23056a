import type { AppState, ConnectionTarget, PoolUsage } from '../../src/index.js';
import type { FailureRecord, HealthPoint } from './board-history.js';

// The board's JSON API (/api/apps, /api/apps/<name>, /api/plugins): what each answer holds.

/** Migration or seed counts of one app; null while it is not ready (its ledger cannot be read). */
export interface LedgerCounts {
  readonly applied: number;
  readonly pending: number;
  readonly drifted: number;
  /** Files started and never finished (the app needs a repair). */
  readonly dirty: number;
  /** The newest applied file, or null. */
  readonly latest: string | null;
}

/** One row of the apps table (`GET <base>/api/apps`). */
export interface BoardAppRow {
  readonly name: string;
  readonly state: AppState;
  /** Where the app points: client, host, port, database, user, filename, schema; never a password. */
  readonly target: ConnectionTarget;
  /** The app whose pool it uses (itself unless it shares one). */
  readonly owner: string | null;
  readonly migrations: LedgerCounts | null;
  readonly seeds: LedgerCounts | null;
  /** The last health result, or null before the first health cycle. */
  readonly health: HealthPoint | null;
  readonly pool: PoolUsage | null;
  /** Failures kept for this app (see the detail view). */
  readonly failures: number;
}

/** One page of the apps table, filtered by state and name. */
export interface BoardAppsPage {
  readonly generatedAt: string;
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  /** Apps per state over the whole registry (before filtering). */
  readonly states: Readonly<Partial<Record<AppState, number>>>;
  readonly apps: readonly BoardAppRow[];
}

/** One applied ledger entry in the detail view. */
export interface BoardLedgerEntry {
  readonly name: string;
  readonly batch: number;
  readonly appliedAt: string;
}

/** The ledger of one kind (migrations or seeds) in the detail view. */
export interface BoardLedger {
  readonly applied: readonly BoardLedgerEntry[];
  readonly pending: readonly string[];
  readonly drifted: readonly string[];
  /** Started and never finished: may be partly applied (repair settles them). */
  readonly dirty: readonly string[];
}

/** The detail view of one app (`GET <base>/api/apps/<name>`). */
export interface BoardAppDetail extends BoardAppRow {
  readonly registeredAt: string | null;
  readonly ledger: { readonly migrations: BoardLedger | null; readonly seeds: BoardLedger | null };
  readonly failureLog: readonly FailureRecord[];
  readonly healthHistory: readonly HealthPoint[];
}

/** One hook of one plugin in the plugins table. */
export interface BoardHookRow {
  readonly hook: string;
  readonly calls: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/** One plugin (`GET <base>/api/plugins`). */
export interface BoardPluginRow {
  readonly name: string;
  readonly version: string;
  readonly state: string;
  readonly calls: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly lastError: string | null;
  readonly hooks: readonly BoardHookRow[];
}

/** Query of the apps table. */
export interface AppsQuery {
  readonly state?: string;
  readonly q?: string;
  readonly page?: number;
  readonly pageSize?: number;
}

/** The query of `GET /api/tenants`: one page of the failed tenants, filtered by code or name. */
export interface TenantsQuery {
  readonly code?: string;
  /** Only the failures of tenants on this server (`tenants.servers`). */
  readonly server?: string;
  readonly q?: string;
  readonly page?: number;
  readonly pageSize?: number;
}

/** One server of a fleet spread over several. */
export interface BoardTenantServer {
  readonly name: string;
  readonly state: string;
  readonly placed: number | null;
  readonly resident: number;
  readonly waiting: number;
  readonly failed: number;
}

/** One failed tenant on the board (its last failure). */
export interface BoardTenantFailure {
  readonly name: string;
  readonly during: string;
  /** Its server, with `tenants.servers`, when known. */
  readonly server: string | null;
  readonly code: string;
  readonly message: string;
  readonly attempts: number;
  readonly at: string;
}

/**
 * The tenant fleet of this process: counts by state over the whole fleet, failures counted per code,
 * and one page of failed tenants (never the whole list).
 */
export interface BoardTenantsPage {
  readonly generatedAt: string;
  readonly owner: string;
  readonly resident: number;
  readonly attaching: number;
  readonly failed: number;
  /** Failed tenants per error code, over the whole fleet. */
  readonly codes: Readonly<Record<string, number>>;
  /** With `tenants.servers`: one row per server (state, tenants placed there, attached here, waiting for it, failed). */
  readonly servers: readonly BoardTenantServer[];
  /** Failed tenants matching the query. */
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly failures: readonly BoardTenantFailure[];
}
