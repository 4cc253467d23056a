import { KnexusError } from '../../src/index.js';

/** Options of the query-monitor plugin. */
export interface QueryMonitorOptions {
  /** Queries taking at least this many ms are reported as slow; default 500. 0 reports every query. */
  readonly slowQueryMs?: number;
  /** How many recent durations p50/p95 are computed from, per connection; default 1000. */
  readonly sampleSize?: number;
  /** Upper bounds (ms) of the latency histogram's buckets, ascending; default 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000. */
  readonly buckets?: readonly number[];
  /** SQL text longer than this is cut in slow-query reports; default 1000 characters. */
  readonly maxSqlLength?: number;
  /** Slow queries kept for `getStatus()`; default 20. */
  readonly recentSlowQueries?: number;
}

/** `QueryMonitorOptions` with defaults applied; frozen. */
export type ResolvedQueryMonitorOptions = Readonly<Required<QueryMonitorOptions>>;

/** Defaults of `QueryMonitorOptions`. */
export const QUERY_MONITOR_DEFAULTS: ResolvedQueryMonitorOptions = Object.freeze({
  slowQueryMs: 500,
  sampleSize: 1000,
  buckets: Object.freeze([1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]),
  maxSqlLength: 1000,
  recentSlowQueries: 20,
});

const KNOWN = Object.keys(QUERY_MONITOR_DEFAULTS);

function invalid(field: string, problem: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_CONFIG_INVALID', `'${field}' ${problem}`, { pluginName: 'query-monitor', field });
}

function integer(input: Record<string, unknown>, field: keyof QueryMonitorOptions, min: number): number {
  const value = input[field] ?? QUERY_MONITOR_DEFAULTS[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(field, `must be an integer ≥ ${min}`);
  return value;
}

/** Validates `config` (throwing a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the field) and applies defaults. */
export function resolveQueryMonitorOptions(config: unknown): ResolvedQueryMonitorOptions {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw invalid('config', 'must be an object');
  const input = config as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key)) throw invalid(key, `is not a query-monitor option (expected one of: ${KNOWN.join(', ')})`);
  }
  const slowQueryMs = input['slowQueryMs'] ?? QUERY_MONITOR_DEFAULTS.slowQueryMs;
  if (typeof slowQueryMs !== 'number' || !Number.isFinite(slowQueryMs) || slowQueryMs < 0) {
    throw invalid('slowQueryMs', 'must be a non-negative number of milliseconds');
  }
  const buckets = input['buckets'] ?? QUERY_MONITOR_DEFAULTS.buckets;
  if (
    !Array.isArray(buckets) ||
    buckets.length === 0 ||
    !buckets.every((b, i) => typeof b === 'number' && Number.isFinite(b) && b > 0 && (i === 0 || b > (buckets[i - 1] as number)))
  ) {
    throw invalid('buckets', 'must be a non-empty list of ascending positive numbers of milliseconds');
  }
  return Object.freeze({
    slowQueryMs,
    sampleSize: integer(input, 'sampleSize', 1),
    buckets: Object.freeze([...(buckets as number[])]),
    maxSqlLength: integer(input, 'maxSqlLength', 1),
    recentSlowQueries: integer(input, 'recentSlowQueries', 0),
  });
}
