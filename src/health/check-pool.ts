import type { Knex } from 'knex';
import pTimeout from 'p-timeout';
import { poolUsage } from './pool-usage.js';
import type { HealthState, PoolUsage } from './health-report.js';

/** The result of one round trip on one physical pool. */
export interface PoolCheck {
  readonly status: HealthState;
  readonly latencyMs: number | null;
  readonly pool: PoolUsage;
  readonly error?: Error;
}

/** Thresholds of a pool check. */
export interface PoolCheckOptions {
  /** Longest wait for `select 1`, in ms. */
  readonly timeout: number;
  /** Latency above which the pool is `degraded`, in ms. */
  readonly degradedLatency: number;
}

/**
 * Runs a real `select 1` round trip on a pool under a timeout. Slow answers or callers waiting for
 * a connection make it `degraded`; an error `unhealthy`; no answer in time `timeout`.
 */
export async function checkPool(knex: Knex, options: PoolCheckOptions): Promise<PoolCheck> {
  const started = performance.now();
  try {
    const outcome = await pTimeout(
      knex.raw('select 1').then(() => 'ok' as const),
      { milliseconds: options.timeout, fallback: () => 'timeout' as const },
    );
    const pool = poolUsage(knex);
    if (outcome === 'timeout') return { status: 'timeout', latencyMs: null, pool };
    const latencyMs = performance.now() - started;
    const degraded = latencyMs > options.degradedLatency || pool.pending > 0;
    return { status: degraded ? 'degraded' : 'healthy', latencyMs, pool };
  } catch (error) {
    return { status: 'unhealthy', latencyMs: null, pool: poolUsage(knex), error: error as Error };
  }
}

const RANK: Record<HealthState, number> = { healthy: 0, degraded: 1, timeout: 2, unhealthy: 3 };

/** The worst of several verdicts (`healthy` for none). */
export function worstHealth(states: Iterable<HealthState>): HealthState {
  let worst: HealthState = 'healthy';
  for (const state of states) if (RANK[state] > RANK[worst]) worst = state;
  return worst;
}
