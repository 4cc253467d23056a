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

/** One health cycle over every app. */
export interface RegistryHealth {
  readonly status: HealthState;
  readonly apps: Readonly<Record<string, HealthReport>>;
  readonly durationMs: number;
  readonly checkedAt: Date;
}
