/** Registry-wide settings (`new AppRegistry({ registry: … })`). */
export interface RegistrySettings {
  /** Longest `shutdown()` may take before pools are destroyed by force, in ms; default 30000. */
  shutdownTimeout?: number;
  /** Period of background health checks in ms; 0 (default) turns them off. */
  healthCheckInterval?: number;
  /** Longest one `select 1` round trip may take before the app is reported `timeout`, in ms; default 5000. */
  healthCheckTimeout?: number;
  /** Latency above which a healthy round trip is reported `degraded`, in ms; default 1000. */
  degradedLatency?: number;
  /**
   * How long registration keeps retrying a transient connection failure (refused, reset, server starting
   * or shutting down, too many connections), in ms, with capped backoff and jitter; default 0 (no retry).
   * Authentication failures and a missing database are never retried; shutdown stops the retries.
   */
  connectRetry?: number;
  /**
   * ms after which an idle pooled PostgreSQL/MySQL connection of a registry-created pool is closed; default
   * 30000; 0 keeps idle connections open. Such pools also start empty (`pool.min` 0) unless the app sets it.
   */
  idleTimeout?: number;
  /**
   * How many apps sharing one pool may run migrations or seeds at once (each session holds a pooled
   * connection); default 0: one below the pool's max, at most 4.
   */
  migrationConcurrency?: number;
}
