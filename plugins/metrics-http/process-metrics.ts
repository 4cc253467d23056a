import { Registry, collectDefaultMetrics } from 'prom-client';

let registry: Registry | undefined;

/**
 * Node process metrics from prom-client's default collectors, in a registry of their own (never the
 * global one). Created once per process: the collectors start observers that cannot be stopped, so
 * reloading the plugin must not start them again.
 */
export function processMetricsRegistry(): Registry {
  if (registry === undefined) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
