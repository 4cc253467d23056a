import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import QueryMonitorPlugin from '../query-monitor/index.js';
import { notesApp, pluginModule } from '../test-fixtures/apps.js';
import { readmeExamples, runReadmeExample } from '../test-fixtures/readme-examples.js';
import MetricsHttpPlugin, { METRICS_HTTP_ERROR_EVENT, type MetricsHttpErrorEvent, type MetricsHttpStatus } from './index.js';

/** GET `path` with a `Host` header of our choosing, as a browser would send for a rebound domain. */
function requestWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += String(chunk)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

function statusOf(registry: AppRegistry): MetricsHttpStatus {
  return registry.getPlugin('metrics-http')!.getStatus() as MetricsHttpStatus;
}

describe('metrics-http plugin', () => {
  const registries: AppRegistry[] = [];
  const open = (options?: ConstructorParameters<typeof AppRegistry>[0]): AppRegistry => {
    const registry = new AppRegistry(options);
    registries.push(registry);
    return registry;
  };
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.shutdown()));
  });

  it('serves registry, per-app, query and process metrics on /metrics from a free port', async () => {
    const registry = open();
    await registry.loadPlugin(QueryMonitorPlugin);
    await registry.loadPlugin(MetricsHttpPlugin, { port: 0 });
    const blog = await registry.registerApp('blog', notesApp());
    await blog.knex('notes').select();

    const status = statusOf(registry);
    expect(status).toMatchObject({ listening: true, host: '127.0.0.1' });
    expect(status.port).toBeGreaterThan(0);
    expect(status.url).toBe(`http://127.0.0.1:${status.port}`);

    const response = await fetch(`${status.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('knexus_apps{state="ready"} 1');
    expect(text).toMatch(/knexus_plugin_up\{plugin="metrics-http",version="1.0.0"\} 1/);
    // The scrape ran a health check, so health and pool usage are fresh.
    expect(text).toContain('knexus_app_health{app="blog",status="healthy"} 1');
    expect(text).toContain('knexus_app_up{app="blog"} 1');
    expect(text).toMatch(/knexus_app_pool_usage\{app="blog",state="max"\} 1/);
    expect(text).toMatch(/knexus_queries_total\{app="blog"\} \d+/);
    expect(text).toMatch(/process_cpu_user_seconds_total \d/);
    expect(text).toMatch(/nodejs_heap_size_used_bytes \d/);

    const families = text
      .split('\n')
      .filter((line) => line.startsWith('# TYPE '))
      .map((line) => line.split(' ')[2]);
    expect(families.length).toBeGreaterThan(20);
    expect(new Set(families).size).toBe(families.length);
  });

  it('answers /healthz, /readyz, unknown paths and methods', async () => {
    const registry = open();
    await registry.loadPlugin(MetricsHttpPlugin, { port: 0 });
    await registry.registerApp('blog', notesApp());
    const { url } = statusOf(registry);

    const live = await fetch(`${url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', apps: { blog: { status: 'healthy' } } });

    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const post = await fetch(`${url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(statusOf(registry).requests).toBe(4);
  });

  it('answers /readyz with 503 while an app does not answer its health check in time', async () => {
    const registry = open({ registry: { healthCheckTimeout: 20 } });
    // 0: every probe checks again, so the recovery shows at once.
    await registry.loadPlugin(MetricsHttpPlugin, { port: 0, healthMaxAgeMs: 0 });
    const blog = await registry.registerApp('blog', notesApp());
    await registry.registerApp('other', notesApp());
    const { url } = statusOf(registry);

    // SQLite pools hold one connection: a transaction left open makes `select 1` wait past the 20 ms timeout.
    const trx = await blog.knex.transaction();
    try {
      const response = await fetch(`${url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: 'not-ready',
        apps: { blog: { status: 'timeout' }, other: { status: 'healthy' } },
      });
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('knexus_app_up{app="blog"} 0');
    } finally {
      await trx.commit();
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('reuses a health check younger than healthMaxAgeMs for /readyz: two quick probes of an unhealthy app run one cycle', async () => {
    const registry = open({ registry: { healthCheckTimeout: 20 } });
    await registry.loadPlugin(MetricsHttpPlugin, { port: 0 });
    const blog = await registry.registerApp('blog', notesApp());
    const { url } = statusOf(registry);
    let cycles = 0;
    let failures = 0;
    registry.on('health-check-completed', () => cycles++);
    registry.on('error', (event) => {
      if (event.phase === 'health-check') failures++;
    });

    const trx = await blog.knex.transaction();
    try {
      const first = await fetch(`${url}/readyz`);
      const second = await fetch(`${url}/readyz`);
      expect([first.status, second.status]).toEqual([503, 503]);
      expect(await second.json()).toEqual(await first.json());
    } finally {
      await trx.commit();
    }
    expect(cycles).toBe(1);
    expect(failures).toBe(1);

    // A cached result that does not cover every ready app is not reused.
    await registry.registerApp('other', notesApp());
    const third = await fetch(`${url}/readyz`);
    expect(third.status).toBe(200);
    expect(await third.json()).toMatchObject({ apps: { blog: { status: 'healthy' }, other: { status: 'healthy' } } });
    expect(cycles).toBe(2);
  });

  it("records a server error after listen in its status and a 'metrics-http:error' event instead of crashing", async () => {
    const registry = open();
    await registry.loadPlugin(MetricsHttpPlugin, { port: 0 });
    const { url, port } = statusOf(registry);
    // The server is private: find it through node:http's diagnostics channel on a real request.
    let server: Server | undefined;
    const capture = (message: unknown): void => {
      const candidate = (message as { server: Server }).server;
      if ((candidate.address() as AddressInfo | null)?.port === port) server = candidate;
    };
    subscribe('http.server.request.start', capture);
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      unsubscribe('http.server.request.start', capture);
    }
    const events: MetricsHttpErrorEvent[] = [];
    registry.on(METRICS_HTTP_ERROR_EVENT, (event) => events.push(event as MetricsHttpErrorEvent));

    // What net.Server emits when accept() fails, e.g. out of file descriptors; unhandled, it would crash the process.
    server!.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' }));

    expect(events).toEqual([{ error: expect.objectContaining({ code: 'EMFILE' }), listening: true }]);
    expect(statusOf(registry)).toMatchObject({ listening: true, serverErrors: 1, lastServerError: 'accept EMFILE' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('answers only requests addressed to it: another Host (DNS rebinding) gets 421 unless allowedHosts names it', async () => {
    const registry = open();
    await registry.loadPlugin(MetricsHttpPlugin, { port: 0, processMetrics: false, allowedHosts: ['metrics.internal', '.corp.example'] });
    await registry.registerApp('blog', notesApp());
    const { port } = statusOf(registry);
    const get = (host: string) => requestWithHost(port!, '/metrics', host);
    for (const host of ['evil.example', `evil.example:${port}`, `attacker.test:${port}`, `corp.example.evil.test:${port}`]) {
      const answer = await get(host);
      expect(answer.status, host).toBe(421);
      expect(answer.body).not.toContain('blog');
    }
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      `app.localhost:${port}`,
      `metrics.internal:${port}`,
      `a.corp.example:${port}`,
    ]) {
      expect((await get(host)).status, host).toBe(200);
    }
  });

  it('loads from config and closes its server at shutdown', async () => {
    const registry = open({
      plugins: { 'metrics-http': { module: pluginModule('metrics-http'), config: { port: 0, processMetrics: false } } },
    });
    expect((await registry.initialize()).loadedPlugins).toEqual(['metrics-http']);
    const { url } = statusOf(registry);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).not.toContain('process_cpu_user_seconds_total');

    const plugin = registry.getPlugin('metrics-http')!;
    await registry.shutdown();
    expect(plugin.getStatus()).toMatchObject({ listening: false, url: null });
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('fails to load when the port is taken', async () => {
    const first = open();
    await first.loadPlugin(MetricsHttpPlugin, { port: 0 });
    const second = open();
    await expect(second.loadPlugin(MetricsHttpPlugin, { port: statusOf(first).port! })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_PLUGIN_INIT_FAILED',
      cause: { code: 'EADDRINUSE' },
    });
  });

  it('rejects a bad config naming the field', async () => {
    const registry = open();
    const cases: [Record<string, unknown>, string][] = [
      [{ port: 70_000 }, 'port'],
      [{ port: '9464' }, 'port'],
      [{ host: '' }, 'host'],
      [{ healthMaxAgeMs: -5 }, 'healthMaxAgeMs'],
      [{ processMetrics: 'yes' }, 'processMetrics'],
      [{ path: '/m' }, 'path'],
    ];
    for (const [config, field] of cases) {
      await expect(registry.loadPlugin(MetricsHttpPlugin, config)).rejects.toMatchObject({
        code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
        cause: { field, pluginName: 'metrics-http' },
      });
    }
  });

  it('runs the README example', async () => {
    const [example] = readmeExamples('metrics-http');
    // The example throws unless /readyz answers 200 and /metrics has the app's series.
    const run = await runReadmeExample('metrics-http', example!);
    run.cleanup();
    expect(run.printed).toEqual([]);
  });
});
