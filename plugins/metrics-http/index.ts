import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginInterface, type PluginContext, type RegistryHealth } from '../../src/index.js';
import { AppMetrics } from './app-metrics.js';
import {
  METRICS_HTTP_CONFIG_SCHEMA,
  resolveMetricsHttpOptions,
  type MetricsHttpOptions,
  type ResolvedMetricsHttpOptions,
} from './metrics-http-options.js';
import { processMetricsRegistry } from './process-metrics.js';
import { MISDIRECTED_BODY, closeServer, isAllowedHost, listen, serverOrigin } from '../shared/http-server.js';

export { METRICS_HTTP_CONFIG_SCHEMA, METRICS_HTTP_DEFAULTS, type MetricsHttpOptions } from './metrics-http-options.js';

/** Services named with this prefix and shaped `{ metrics(): string | Promise<string> }` are appended to `/metrics`. */
export const METRICS_SERVICE_PREFIX = 'metrics:';

/** Registry event emitted when the server reports an error after it started listening. */
export const METRICS_HTTP_ERROR_EVENT = 'metrics-http:error';

/** Payload of the `metrics-http:error` event. */
export interface MetricsHttpErrorEvent {
  readonly error: Error;
  /** Whether the server still accepts connections (it does after an `accept` error such as EMFILE). */
  readonly listening: boolean;
}

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
  /** Errors the server itself reported after it started listening (also emitted as `metrics-http:error`). */
  readonly serverErrors: number;
  /** The message of the last of those, or null. */
  readonly lastServerError: string | null;
}

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const READY_STATES: ReadonlySet<string> = new Set(['healthy', 'degraded']);

/**
 * Serves `/metrics` (Prometheus text: registry and plugin metrics, per-app health and pool usage,
 * `metrics:*` services such as query-monitor's, Node process metrics), `/healthz` (liveness) and
 * `/readyz` (200 when every app is healthy or degraded, 503 otherwise; both reuse a health check
 * younger than `healthMaxAgeMs`) over node:http.
 *
 * @example
 * ```ts
 * await registry.loadPlugin(MetricsHttpPlugin, { port: 0 });
 * const { url } = registry.getPlugin('metrics-http')!.getStatus() as MetricsHttpStatus;
 * await fetch(`${url}/metrics`);
 * ```
 */
export default class MetricsHttpPlugin extends PluginInterface<MetricsHttpOptions> {
  /** Validated (and defaulted) by knexus before `initialize`; a bad option is a coded error naming its path. */
  static readonly configSchema = METRICS_HTTP_CONFIG_SCHEMA;
  #options: ResolvedMetricsHttpOptions | undefined;
  #registry: PluginContext | undefined;
  #server: Server | undefined;
  #address: AddressInfo | undefined;
  #appMetrics: AppMetrics | undefined;
  #lastHealth: RegistryHealth | undefined;
  #healthInFlight: Promise<RegistryHealth> | undefined;
  #requests = 0;
  #errors = 0;
  #serverErrors = 0;
  #lastServerError: string | null = null;

  /** The config arrives validated against `configSchema`, defaults filled; `initialize` applies it. */
  constructor() {
    super('metrics-http', '1.0.0');
  }

  /**
   * Starts listening; rejects (so the plugin does not load) when the address is taken. Later server
   * errors are recorded in `getStatus()` and emitted as `metrics-http:error`, never thrown.
   */
  async initialize(registry: PluginContext, config: MetricsHttpOptions): Promise<void> {
    const options = resolveMetricsHttpOptions(config);
    this.#options = options;
    this.#registry = registry;
    this.#appMetrics = new AppMetrics(() => this.#lastHealth);
    registry.on('health-check-completed', (health) => {
      this.#lastHealth = health;
    });
    const server = createServer((request, response) => void this.#handle(request, response));
    this.#address = await listen(server, options.port, options.host, (error) => this.#serverFailed(server, error));
    this.#server = server;
  }

  /** Closes the server, dropping idle keep-alive connections. */
  override async shutdown(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await closeServer(server);
  }

  /** Whether it listens, on which address, and how many requests it answered. */
  override getStatus(): MetricsHttpStatus {
    const address = this.#server === undefined ? undefined : this.#address;
    const host = address?.address ?? null;
    const url = address === undefined ? null : serverOrigin(address);
    return {
      listening: address !== undefined && this.#server?.listening === true,
      host,
      port: address?.port ?? null,
      url,
      requests: this.#requests,
      errors: this.#errors,
      serverErrors: this.#serverErrors,
      lastServerError: this.#lastServerError,
    };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.#requests++;
    try {
      if (!isAllowedHost(request.headers.host, this.#options!.host, this.#options!.allowedHosts)) {
        return send(response, 421, 'application/json', MISDIRECTED_BODY);
      }
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
    await this.#recentHealth();
    const parts = [await registry.metrics(), await this.#appMetrics!.render()];
    for (const name of Object.keys(registry.getStatus().plugins.services)) {
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
    const health = await this.#recentHealth();
    const apps = Object.fromEntries(
      Object.values(health.apps).map((r) => [
        r.appName,
        { status: r.status, latencyMs: r.latencyMs, ...(r.error ? { error: r.error } : {}) },
      ]),
    );
    const ready = Object.values(health.apps).every((r) => READY_STATES.has(r.status));
    return { ready, body: { status: ready ? 'ready' : 'not-ready', apps, checkedAt: health.checkedAt.toISOString() } };
  }

  /**
   * The last health cycle (from any source) while it is younger than `healthMaxAgeMs` and covers
   * exactly the apps now ready; otherwise a new one. Probes and scrapes therefore never hammer the
   * database, nor report an unhealthy app to `onOperationFailed` more than once per `healthMaxAgeMs`.
   */
  #recentHealth(): Promise<RegistryHealth> {
    const last = this.#lastHealth;
    if (last !== undefined && Date.now() - last.checkedAt.getTime() < this.#options!.healthMaxAgeMs && this.#coversReadyApps(last)) {
      return Promise.resolve(last);
    }
    return this.#healthCheck();
  }

  #coversReadyApps(health: RegistryHealth): boolean {
    const ready = this.#registry!.getAllApps();
    return ready.length === Object.keys(health.apps).length && ready.every((app) => Object.hasOwn(health.apps, app.name));
  }

  /** One health cycle, shared by concurrent requests. */
  #healthCheck(): Promise<RegistryHealth> {
    this.#healthInFlight ??= this.#registry!.healthCheck()
      .then((health) => {
        this.#lastHealth = health;
        return health;
      })
      .finally(() => {
        this.#healthInFlight = undefined;
      });
    return this.#healthInFlight;
  }

  #serverFailed(server: Server, error: Error): void {
    this.#serverErrors++;
    this.#lastServerError = error.message;
    const event: MetricsHttpErrorEvent = { error, listening: server.listening };
    try {
      this.#registry?.emit(METRICS_HTTP_ERROR_EVENT, event);
    } catch {
      // A throwing listener must not turn a recorded server error into a crash.
    }
  }
}

function send(response: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  response.end(body);
}
