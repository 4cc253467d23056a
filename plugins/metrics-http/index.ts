import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginInterface, type AppRegistry, type RegistryHealth } from '../../src/index.js';
import { AppMetrics } from './app-metrics.js';
import { resolveMetricsHttpOptions, type MetricsHttpOptions, type ResolvedMetricsHttpOptions } from './metrics-http-options.js';
import { processMetricsRegistry } from './process-metrics.js';

export { METRICS_HTTP_DEFAULTS, type MetricsHttpOptions } from './metrics-http-options.js';

/** Services named with this prefix and shaped `{ metrics(): string | Promise<string> }` are appended to `/metrics`. */
export const METRICS_SERVICE_PREFIX = 'metrics:';

/** What `getStatus()` reports. */
export interface MetricsHttpStatus {
  readonly listening: boolean;
  /** The bound address (the real port when `port: 0` was asked). */
  readonly host: string | null;
  readonly port: number | null;
  readonly url: string | null;
  readonly requests: number;
  /** Requests answered with a 500. */
  readonly errors: number;
}

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const READY_STATES: ReadonlySet<string> = new Set(['healthy', 'degraded']);

/**
 * Serves `/metrics` (Prometheus text: registry and plugin metrics, per-app health and pool usage,
 * `metrics:*` services such as query-monitor's, Node process metrics), `/healthz` (liveness) and
 * `/readyz` (200 when every app is healthy or degraded, 503 otherwise) over node:http.
 *
 * @example
 * ```ts
 * await registry.loadPlugin(MetricsHttpPlugin, { port: 0 });
 * const { url } = registry.getPlugin('metrics-http')!.getStatus() as MetricsHttpStatus;
 * await fetch(`${url}/metrics`);
 * ```
 */
export default class MetricsHttpPlugin extends PluginInterface<MetricsHttpOptions> {
  readonly #config: MetricsHttpOptions;
  #options: ResolvedMetricsHttpOptions | undefined;
  #registry: AppRegistry | undefined;
  #server: Server | undefined;
  #address: AddressInfo | undefined;
  #appMetrics: AppMetrics | undefined;
  #lastHealth: RegistryHealth | undefined;
  #healthInFlight: Promise<RegistryHealth> | undefined;
  #requests = 0;
  #errors = 0;

  /** Takes the plugin's config; it is validated by `validateConfiguration` and applied by `initialize`. */
  constructor(config: MetricsHttpOptions = {}) {
    super('metrics-http', '1.0.0');
    this.#config = config;
  }

  /** Throws a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the bad field. */
  override validateConfiguration(config: MetricsHttpOptions): void {
    resolveMetricsHttpOptions({ ...this.#config, ...config });
  }

  /** Starts listening; rejects (so the plugin does not load) when the address is taken. */
  async initialize(registry: AppRegistry, config: MetricsHttpOptions): Promise<void> {
    const options = resolveMetricsHttpOptions({ ...this.#config, ...config });
    this.#options = options;
    this.#registry = registry;
    this.#appMetrics = new AppMetrics(() => this.#lastHealth);
    registry.on('health-check-completed', (health) => {
      this.#lastHealth = health;
    });
    const server = createServer((request, response) => void this.#handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    this.#address = server.address() as AddressInfo;
  }

  /** Closes the server, dropping idle keep-alive connections. */
  async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** Whether it listens, on which address, and how many requests it answered. */
  getStatus(): MetricsHttpStatus {
    const address = this.#server === undefined ? undefined : this.#address;
    const host = address?.address ?? null;
    const url = address === undefined ? null : `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    return { listening: address !== undefined, host, port: address?.port ?? null, url, requests: this.#requests, errors: this.#errors };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.#requests++;
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return send(response, 405, 'application/json', JSON.stringify({ error: 'method not allowed' }), { allow: 'GET, HEAD' });
      }
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === '/metrics') return send(response, 200, PROMETHEUS_TEXT, await this.#metrics());
      if (path === '/healthz') {
        return send(response, 200, 'application/json', JSON.stringify({ status: 'ok', uptimeSeconds: process.uptime() }));
      }
      if (path === '/readyz') {
        const { ready, body } = await this.#readiness();
        return send(response, ready ? 200 : 503, 'application/json', JSON.stringify(body));
      }
      return send(response, 404, 'application/json', JSON.stringify({ error: 'not found', paths: ['/metrics', '/healthz', '/readyz'] }));
    } catch (error) {
      this.#errors++;
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify({ error: (error as Error).message }));
      else response.destroy();
    }
  }

  async #metrics(): Promise<string> {
    const registry = this.#registry!;
    const last = this.#lastHealth;
    if (last === undefined || Date.now() - last.checkedAt.getTime() >= this.#options!.healthMaxAgeMs) await this.#healthCheck();
    const parts = [registry.metrics(), await this.#appMetrics!.render()];
    for (const name of Object.keys(registry.plugins.getStatus().services)) {
      if (!name.startsWith(METRICS_SERVICE_PREFIX)) continue;
      const service = registry.importService<{ metrics?: () => string | Promise<string> }>(this, name);
      if (typeof service.metrics === 'function') parts.push(await service.metrics());
    }
    if (this.#options!.processMetrics) parts.push(await processMetricsRegistry().metrics());
    return parts.map((part) => (part.endsWith('\n') || part === '' ? part : `${part}\n`)).join('');
  }

  async #readiness(): Promise<{ ready: boolean; body: Record<string, unknown> }> {
    const registry = this.#registry!;
    if (registry.getStatus().shuttingDown) return { ready: false, body: { status: 'not-ready', reason: 'shutting down', apps: {} } };
    const health = await this.#healthCheck();
    const apps = Object.fromEntries(
      Object.values(health.apps).map((r) => [r.appName, { status: r.status, latencyMs: r.latencyMs, ...(r.error ? { error: r.error } : {}) }]),
    );
    const ready = Object.values(health.apps).every((r) => READY_STATES.has(r.status));
    return { ready, body: { status: ready ? 'ready' : 'not-ready', apps, checkedAt: health.checkedAt.toISOString() } };
  }

  /** One health cycle, shared by concurrent requests. */
  #healthCheck(): Promise<RegistryHealth> {
    this.#healthInFlight ??= this.#registry!.healthCheck().finally(() => {
      this.#healthInFlight = undefined;
    });
    return this.#healthInFlight;
  }
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  response.end(body);
}
