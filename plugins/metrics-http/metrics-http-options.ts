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
  /**
   * Host names (the `Host` header) answered besides `host`, `localhost` and IP addresses; default none. Another
   * name gets a 421, so a web page cannot read the metrics through a domain pointed at this machine (DNS
   * rebinding). A Prometheus scraping by name needs that name here; `'.example.com'` also allows its subdomains.
   */
  readonly allowedHosts?: readonly string[];
}

/** `MetricsHttpOptions` with defaults applied; frozen. */
export type ResolvedMetricsHttpOptions = Readonly<Required<MetricsHttpOptions>>;

/** Defaults of `MetricsHttpOptions`. */
export const METRICS_HTTP_DEFAULTS: ResolvedMetricsHttpOptions = Object.freeze({
  host: '127.0.0.1',
  port: 9464,
  healthMaxAgeMs: 10_000,
  processMetrics: true,
  allowedHosts: Object.freeze([]) as readonly string[],
});

/** The JSON Schema of `MetricsHttpOptions`: knexus validates the config against it and fills the defaults before `initialize`. */
export const METRICS_HTTP_CONFIG_SCHEMA = Object.freeze({
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string', pattern: '\\S', default: METRICS_HTTP_DEFAULTS.host },
    port: { type: 'integer', minimum: 0, maximum: 65_535, default: METRICS_HTTP_DEFAULTS.port },
    healthMaxAgeMs: { type: 'number', minimum: 0, default: METRICS_HTTP_DEFAULTS.healthMaxAgeMs },
    processMetrics: { type: 'boolean', default: METRICS_HTTP_DEFAULTS.processMetrics },
    allowedHosts: { type: 'array', items: { type: 'string', pattern: '^(\\*|\\.?[A-Za-z0-9_.-]+)$' }, default: [] },
  },
});

/** The validated, defaulted config (see `METRICS_HTTP_CONFIG_SCHEMA`), frozen. */
export function resolveMetricsHttpOptions(config: MetricsHttpOptions): ResolvedMetricsHttpOptions {
  return Object.freeze({ ...METRICS_HTTP_DEFAULTS, ...config });
}
