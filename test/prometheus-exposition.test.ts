import { describe, expect, it } from 'vitest';
import { definePlugin } from '../src/index.js';
import { parsePrometheusText, prometheusFamilies, sampleValue } from './support/prometheus-text.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

describe('the strict exposition parser the metrics tests rely on', () => {
  it('accepts well-formed text and reads families, labels and values', () => {
    const families = parsePrometheusText(
      '# HELP a_total Things.\n# TYPE a_total counter\na_total{x="q\\"uote",y="back\\\\slash"} 2\n# TYPE b summary\nb_sum 1.5\nb_count 3\nc NaN\n',
    );
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['a_total', 'counter', 1],
      ['b', 'summary', 2],
      ['c', 'untyped', 1],
    ]);
    expect(families[0]!.samples[0]!.labels).toEqual({ x: 'q"uote', y: 'back\\slash' });
  });

  it.each([
    ['interleaved families', '# TYPE a gauge\n# TYPE b gauge\na{k="1"} 1\nb 1\na{k="2"} 1\n', /interleaved/],
    ['TYPE after a sample', 'a 1\n# TYPE a gauge\n', /TYPE of "a" after its samples/],
    ['a second HELP', '# HELP a x\n# HELP a y\n', /second HELP/],
    ['the same series twice', 'a{k="1"} 1\na{k="1"} 2\n', /same series/],
    ['a bad escape', 'a{k="\\t"} 1\n', /invalid escape/],
    ['a repeated label', 'a{k="1",k="2"} 1\n', /given twice/],
    ['a bad metric name', '1a 1\n', /invalid metric name/],
    ['a bad label name', 'a{1k="1"} 1\n', /invalid label name/],
    ['a value that is no number', 'a one\n', /not a number/],
    ['a sample without a value', 'a{k="1"}\n', /value/],
    ['an unknown type', '# TYPE a meter\n', /unknown type/],
    ['no final newline', 'a 1', /newline/],
  ])('rejects %s', (_, text, error) => {
    expect(() => parsePrometheusText(text)).toThrow(error);
  });
});

describe('registry.metrics() is valid exposition text', () => {
  const createRegistry = useRegistry();

  it('keeps every family together under its HELP and TYPE, with health, pools, apps and plugins in one text', async () => {
    const registry = createRegistry();
    await registry.loadPlugin(
      definePlugin({
        name: 'watcher',
        version: '2.0.0',
        initialize() {},
        shutdown() {},
        getStatus: () => ({}),
        onHealthCheck: () => ({ seen: true }),
      }),
    );
    await registry.registerApp('blog', { database: memory(), reusable: true });
    await registry.registerApp('shop', { database: memory() });
    await registry.registerApp('guest', { useConnection: 'blog' });
    await registry.healthCheck();

    const text = await registry.metrics();
    const families = prometheusFamilies(text);
    for (const family of families.values()) {
      expect(family.help, family.name).toEqual(expect.any(String));
      expect(family.type, family.name).not.toBe('untyped');
    }
    expect([...families.keys()]).toEqual(
      expect.arrayContaining([
        'knexus_apps',
        'knexus_pool_connections',
        'knexus_pool_pending_acquires',
        'knexus_app_health',
        'knexus_app_health_latency_seconds',
        'knexus_plugin_hook_calls_total',
        'knexus_plugin_up',
      ]),
    );
    expect(sampleValue(families, 'knexus_apps', { state: 'ready' })).toBe(3);
    for (const app of ['blog', 'shop', 'guest']) {
      expect(sampleValue(families, 'knexus_app_health', { app, status: 'healthy' }), app).toBe(1);
      expect(sampleValue(families, 'knexus_app_health', { app, status: 'unhealthy' }), app).toBe(0);
      expect(sampleValue(families, 'knexus_app_health_latency_seconds', { app }), app).toBeGreaterThanOrEqual(0);
    }
    // A shared pool is counted once, under its owner.
    expect(families.get('knexus_pool_pending_acquires')!.samples.map((s) => s.labels['app'])).toEqual(['blog', 'shop']);
    expect(sampleValue(families, 'knexus_plugin_hook_calls_total', { plugin: 'watcher', hook: 'onHealthCheck' })).toBe(3);
    expect(sampleValue(families, 'knexus_plugin_up', { plugin: 'watcher', version: '2.0.0' })).toBe(1);
  });

  it('is valid before any app, health check or plugin', async () => {
    const registry = createRegistry();
    const families = prometheusFamilies(await registry.metrics());
    expect(families.get('knexus_apps')?.samples).toEqual([]);
    expect(families.has('knexus_app_health')).toBe(false);
  });
});
