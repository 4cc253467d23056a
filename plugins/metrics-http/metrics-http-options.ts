import { KnexusError } from '../../src/index.js';

/** Options of the metrics-http plugin. */
export interface MetricsHttpOptions {
  /** Interface to listen on; default `127.0.0.1` (local only). Use `0.0.0.0` to let a remote Prometheus scrape. */
  readonly host?: string;
  /** TCP port; default 9464. `0` picks a free port, reported by `getStatus().port`. */
  readonly port?: number;
  /** `/metrics` and `/readyz` run a health check first when the last one is older than this (ms); default 10000. `0` checks on every request. */
  readonly healthMaxAgeMs?: number;
  /** Include Node process metrics (prom-client's default collectors, in a registry of their own); default true. */
  readonly processMetrics?: boolean;
}

/** `MetricsHttpOptions` with defaults applied; frozen. */
export type ResolvedMetricsHttpOptions = Readonly<Required<MetricsHttpOptions>>;

/** Defaults of `MetricsHttpOptions`. */
export const METRICS_HTTP_DEFAULTS: ResolvedMetricsHttpOptions = Object.freeze({
  host: '127.0.0.1',
  port: 9464,
  healthMaxAgeMs: 10_000,
  processMetrics: true,
});

const KNOWN = Object.keys(METRICS_HTTP_DEFAULTS);

function invalid(field: string, problem: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_CONFIG_INVALID', `'${field}' ${problem}`, { pluginName: 'metrics-http', field });
}

/** Validates `config` (throwing a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the field) and applies defaults. */
export function resolveMetricsHttpOptions(config: unknown): ResolvedMetricsHttpOptions {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw invalid('config', 'must be an object');
  const input = config as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key)) throw invalid(key, `is not a metrics-http option (expected one of: ${KNOWN.join(', ')})`);
  }
  const { host = METRICS_HTTP_DEFAULTS.host, port = METRICS_HTTP_DEFAULTS.port } = input;
  const { healthMaxAgeMs = METRICS_HTTP_DEFAULTS.healthMaxAgeMs, processMetrics = METRICS_HTTP_DEFAULTS.processMetrics } = input;
  if (typeof host !== 'string' || host.trim() === '') throw invalid('host', "must be a host name or address, e.g. '127.0.0.1'");
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw invalid('port', 'must be an integer from 0 to 65535 (0 picks a free port)');
  }
  if (typeof healthMaxAgeMs !== 'number' || !Number.isFinite(healthMaxAgeMs) || healthMaxAgeMs < 0) {
    throw invalid('healthMaxAgeMs', 'must be a non-negative number of milliseconds');
  }
  if (typeof processMetrics !== 'boolean') throw invalid('processMetrics', 'must be true or false');
  return Object.freeze({ host, port, healthMaxAgeMs, processMetrics });
}
