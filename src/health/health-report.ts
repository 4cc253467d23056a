/** Health verdicts, best to worst. */
export const HEALTH_STATES = ['healthy', 'degraded', 'unhealthy', 'timeout'] as const;
/** A health verdict. */
export type HealthState = (typeof HEALTH_STATES)[number];

/** Pool usage of one physical connection pool. */
export interface PoolUsage {
  readonly used: number;
  readonly free: number;
  readonly pending: number;
  readonly max: number;
}

/** One app's health. */
export interface HealthReport {
  readonly appName: string;
  readonly status: HealthState;
  readonly latencyMs: number | null;
  readonly pool: PoolUsage;
  readonly checkedAt: Date;
  readonly error?: string;
  /** Extra data from plugins' `onHealthCheck`, keyed by plugin name. */
  readonly plugins?: Readonly<Record<string, unknown>>;
}

/** A database server of a tenant fleet spread over several (`tenants.servers`), as the health cycle saw it. */
export interface ServerHealth {
  readonly name: string;
  /** `down`: the last attempt to reach it failed (its tenants wait); `unknown`: no tenant needed it yet. */
  readonly state: 'up' | 'down' | 'unknown';
  /** Tenants waiting for it. */
  readonly waiting: number;
  readonly error?: string;
}

/** One health cycle over every app. */
export interface RegistryHealth {
  /** The worst app's verdict; at least `degraded` while a server of the tenant fleet is down. */
  readonly status: HealthState;
  readonly apps: Readonly<Record<string, HealthReport>>;
  /** With `tenants.servers`: each server, so a down one (and its waiting tenants) shows in health. */
  readonly servers?: readonly ServerHealth[];
  readonly durationMs: number;
  readonly checkedAt: Date;
}
