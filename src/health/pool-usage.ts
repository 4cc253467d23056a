import type { Knex } from 'knex';
import type { PoolUsage } from './health-report.js';

interface TarnPoolView {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/** Current usage of a knex pool (zeros once it is destroyed). */
export function poolUsage(knex: Knex): PoolUsage {
  const pool = (knex.client as { pool?: TarnPoolView }).pool;
  if (!pool) return { used: 0, free: 0, pending: 0, max: 0 };
  return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max };
}
