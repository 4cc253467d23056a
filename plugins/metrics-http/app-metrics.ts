import { Gauge, Registry } from 'prom-client';
import type { RegistryHealth } from '../../src/index.js';

const USAGE_STATES = ['used', 'free', 'pending', 'max'] as const;

/**
 * Per-app series from the last health cycle: `knexus_app_up` (1 when healthy or degraded) and
 * `knexus_app_pool_usage` (the pool each app uses, shared ones included).
 */
export class AppMetrics {
  readonly #registry = new Registry();

  /** `health` is read at every scrape. */
  constructor(health: () => RegistryHealth | undefined) {
    const registers = [this.#registry];
    new Gauge({
      name: 'knexus_app_up',
      help: '1 when the app was healthy or degraded at the last health check, 0 otherwise.',
      labelNames: ['app'],
      registers,
      collect() {
        this.reset();
        for (const report of Object.values(health()?.apps ?? {})) {
          this.set({ app: report.appName }, report.status === 'healthy' || report.status === 'degraded' ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'knexus_app_pool_usage',
      help: 'Connections of the pool each app uses at the last health check (shared pools appear under each app).',
      labelNames: ['app', 'state'],
      registers,
      collect() {
        this.reset();
        for (const report of Object.values(health()?.apps ?? {})) {
          for (const state of USAGE_STATES) this.set({ app: report.appName, state }, report.pool[state]);
        }
      },
    });
  }

  /** Prometheus text of the per-app series. */
  render(): Promise<string> {
    return this.#registry.metrics();
  }
}
