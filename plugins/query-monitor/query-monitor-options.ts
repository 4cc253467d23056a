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

/** The JSON Schema of `QueryMonitorOptions`: knexus validates the config against it and fills the defaults before `initialize`. */
export const QUERY_MONITOR_CONFIG_SCHEMA = Object.freeze({
  type: 'object',
  additionalProperties: false,
  properties: {
    slowQueryMs: { type: 'number', minimum: 0, default: QUERY_MONITOR_DEFAULTS.slowQueryMs },
    sampleSize: { type: 'integer', minimum: 1, default: QUERY_MONITOR_DEFAULTS.sampleSize },
    buckets: { type: 'array', minItems: 1, items: { type: 'number', exclusiveMinimum: 0 }, default: [...QUERY_MONITOR_DEFAULTS.buckets] },
    maxSqlLength: { type: 'integer', minimum: 1, default: QUERY_MONITOR_DEFAULTS.maxSqlLength },
    recentSlowQueries: { type: 'integer', minimum: 0, default: QUERY_MONITOR_DEFAULTS.recentSlowQueries },
  },
});

/**
 * What the schema cannot say: `buckets` must ascend. Throws a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error
 * naming the field; returns the options frozen.
 */
export function resolveQueryMonitorOptions(config: QueryMonitorOptions): ResolvedQueryMonitorOptions {
  const options = { ...QUERY_MONITOR_DEFAULTS, ...config };
  if (!options.buckets.every((b, i) => i === 0 || b > options.buckets[i - 1]!)) {
    throw new KnexusError('KNEXUS_ERR_PLUGIN_CONFIG_INVALID', "'buckets' must ascend (upper bounds in ms, smallest first)", {
      pluginName: 'query-monitor',
      field: 'buckets',
    });
  }
  return Object.freeze({ ...options, buckets: Object.freeze([...options.buckets]) });
}
