import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppRegistry, HealthReport } from '../../src/index.js';
import { createDatabase } from '../../test/support/databases.js';
import { brokenApp, notesApp, pluginModule } from '../test-fixtures/apps.js';
import { readmeExamples, runReadmeExample } from '../test-fixtures/readme-examples.js';
import { maskSqlLiterals } from './mask-sql-literals.js';
import QueryMonitorPlugin, { SLOW_QUERY_EVENT, type QueryStatsSnapshot, type SlowQueryEvent } from './index.js';
import { useRegistry } from '../../test/support/use-registry.js';

const memory = { client: 'better-sqlite3', connection: { filename: ':memory:' } } as const;
/** About 90 ms on SQLite: far above the 40 ms threshold below, with a bound value that must not leak. */
const SLOW_SQL = 'with recursive c(x) as (select 1 union all select x + 1 from c where x < ?) select count(*) as n from c';
const SLOW_BINDING = 300_017;
/** SLOW_SQL as reports show it: its literals masked too. */
const SLOW_SQL_SHOWN = 'with recursive c(x) as (select ? union all select x + ? from c where x < ?) select count(*) as n from c';

describe('query-monitor plugin', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('reports slow queries as registry events with the SQL text and never the bound values', async () => {
    registry = createRegistry();
    await registry.loadPlugin(QueryMonitorPlugin, { slowQueryMs: 40 });
    const blog = await registry.registerApp('blog', notesApp());
    const events: SlowQueryEvent[] = [];
    registry.on(SLOW_QUERY_EVENT, (...args: unknown[]) => events.push(args[0] as SlowQueryEvent));

    await blog.knex('notes').select();
    await blog.knex.raw(SLOW_SQL, [SLOW_BINDING]);

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ appName: 'blog', apps: ['blog'], sql: SLOW_SQL_SHOWN, method: 'raw', failed: false });
    expect(events[0]!.durationMs).toBeGreaterThanOrEqual(40);
    expect(JSON.stringify(events)).not.toContain(String(SLOW_BINDING));
    expect(registry.getPlugin('query-monitor')?.getStatus()).toMatchObject({ recentSlowQueries: [{ sql: SLOW_SQL_SHOWN }] });
  });

  it('adds query counts, error rate and latency percentiles to the health report', async () => {
    registry = createRegistry();
    await registry.loadPlugin(QueryMonitorPlugin);
    const blog = await registry.registerApp('blog', notesApp());
    const monitor = registry.getPlugin('query-monitor') as QueryMonitorPlugin;
    const before = monitor.getStats('blog')!;

    await blog.knex('notes').insert({ body: 'third' });
    await expect(blog.knex('no_such_table').select()).rejects.toThrow();
    await blog.knex('notes').select();

    const health = await registry.healthCheck();
    const report = health.apps['blog'] as HealthReport;
    const stats = report.plugins?.['query-monitor'] as QueryStatsSnapshot;
    // Three queries here plus the health check's own `select 1`.
    expect(stats.queries - before.queries).toBe(4);
    expect(stats.errors - before.errors).toBe(1);
    expect(stats.errorRate).toBeCloseTo(stats.errors / stats.queries, 10);
    expect(stats.p50Ms).toBeGreaterThan(0);
    expect(stats.p95Ms).toBeGreaterThanOrEqual(stats.p50Ms!);
    expect(stats.slowQueries).toBe(0);
    expect(Object.keys(stats).sort()).toEqual(['errorRate', 'errors', 'p50Ms', 'p95Ms', 'queries', 'slowQueries']);
  });

  it('watches a shared connection once and detaches only when its last app leaves', async () => {
    registry = createRegistry();
    await registry.loadPlugin(QueryMonitorPlugin);
    const main = await registry.registerApp('main', { ...notesApp(), reusable: true });
    const side = await registry.registerApp('side', { useConnection: 'main' });
    const knex = main.knex;
    const monitor = registry.getPlugin('query-monitor') as QueryMonitorPlugin;
    expect(knex.listenerCount('query')).toBe(1);

    const before = monitor.getStats('main')!.queries;
    await side.knex('notes').select();
    expect(monitor.getStats('main')!.queries).toBe(before + 1);
    expect(monitor.getStats('side')).toEqual(monitor.getStats('main'));

    await registry.unregisterApp('side');
    expect(monitor.getStats('side')).toBeUndefined();
    expect(knex.listenerCount('query')).toBe(1);
    await main.knex('notes').select();
    expect(monitor.getStats('main')!.queries).toBe(before + 2);

    await registry.unregisterApp('main');
    expect(knex.listenerCount('query')).toBe(0);
    expect(knex.listenerCount('query-response')).toBe(0);
    expect(monitor.getStatus()).toMatchObject({ apps: {} });
  });

  it('shows statements without their literals: a password in ALTER ROLE reaches neither the event nor the status', async (t) => {
    const db = await createDatabase('pg');
    if (db === null) return t.skip(); // no server outside CI (in CI createDatabase throws instead)
    const role = `qm_${randomBytes(6).toString('hex')}`;
    try {
      registry = createRegistry();
      await registry.loadPlugin(QueryMonitorPlugin, { slowQueryMs: 0 });
      const app = await registry.registerApp('roles', { database: db.config() });
      const events: SlowQueryEvent[] = [];
      registry.on(SLOW_QUERY_EVENT, (...args: unknown[]) => events.push(args[0] as SlowQueryEvent));
      await app.knex.raw(`create role ${role}`);
      await app.knex.raw(`alter role ${role} password 'Hunter2-it''s-secret'`);
      await app.knex.raw(`select E'esc\\'aped-secret' as a, $$dollar-secret$$ as b, 424242 as n, ?::text as c`, ['bound-secret']);
      const shown = events.map((event) => event.sql);
      expect(shown).toContain(`alter role ${role} password ?`);
      expect(shown).toContain('select E? as a, ? as b, ? as n, $1::text as c');
      const everything = JSON.stringify([events, registry.getPlugin('query-monitor')?.getStatus()]);
      for (const secret of ['Hunter2', 'secret', '424242']) expect(everything).not.toContain(secret);
      await registry.shutdown();
    } finally {
      await db.knex.raw(`drop role if exists ${role}`);
      await db.drop();
    }
  });

  it('masks literals the way each database reads quotes', () => {
    const pg = { mysql: false };
    const mysql = { mysql: true };
    expect(maskSqlLiterals(`select "col1", t2.x3, 'a''b', -1.5e3, 0x1F, $1, :name from "t 4" where y = 'it''s' -- 'kept'`, pg)).toBe(
      `select "col1", t2.x3, ?, -?, ?, $1, :name from "t 4" where y = ? -- 'kept'`,
    );
    expect(maskSqlLiterals(`select $tag$ x $$ y $tag$, x::int, 'C:\\' , 'next'`, pg)).toBe(`select ?, x::int, ? , ?`);
    expect(maskSqlLiterals(`select "str", 'a\\'b', \`id1\``, mysql)).toBe('select ?, ?, `id1`');
    // An unterminated literal masks everything after its start.
    expect(maskSqlLiterals(`alter role x password 'never-shown`, pg)).toBe('alter role x password ?');
  });

  it('counts each app with its own schema on a shared pool under its own name', async (t) => {
    const db = await createDatabase('pg');
    if (db === null) return t.skip(); // no server outside CI (in CI createDatabase throws instead)
    try {
      registry = createRegistry({ plugins: { 'query-monitor': { module: pluginModule('query-monitor') } } });
      await registry.initialize();
      await registry.registerApp('main', { database: db.config(), reusable: true });
      const a = await registry.registerApp('qa', { useConnection: 'main', schema: 'qa' });
      const b = await registry.registerApp('qb', { useConnection: 'main', schema: 'qb' });
      const monitor = registry.getPlugin('query-monitor') as QueryMonitorPlugin;
      for (let i = 0; i < 3; i++) await a.knex.raw('select 1');
      await b.knex.raw('select 1');
      expect(monitor.getStats('qa')!.queries).toBe(3);
      expect(monitor.getStats('qb')!.queries).toBe(1);
      const service = registry.importService<{ metrics(): Promise<string> }>('test', 'metrics:query-monitor');
      expect(await service.metrics()).toContain('knexus_queries_total{app="qa"} 3');
      // One app leaving forgets its own series, not the others on the pool.
      await registry.unregisterApp('qa');
      const text = await service.metrics();
      expect(text).not.toContain('app="qa"');
      expect(text).toContain('knexus_queries_total{app="qb"} 1');
      await registry.shutdown();
    } finally {
      await db.drop();
    }
  });

  it('watches apps registered before it loaded, and forgets a failed registration', async () => {
    registry = createRegistry();
    const early = await registry.registerApp('early', { database: memory });
    await registry.loadPlugin(QueryMonitorPlugin);
    await early.knex.raw('select 1');
    expect((registry.getPlugin('query-monitor') as QueryMonitorPlugin).getStats('early')).toMatchObject({ queries: 1 });

    await expect(registry.registerApp('broken', brokenApp())).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED' });
    expect(Object.keys((registry.getPlugin('query-monitor') as QueryMonitorPlugin).getStatus().apps)).toEqual(['early']);
  });

  it('loads from config and exports Prometheus series as the metrics:query-monitor service', async () => {
    registry = createRegistry({ plugins: { 'query-monitor': { module: pluginModule('query-monitor'), config: { buckets: [10, 100] } } } });
    expect((await registry.initialize()).loadedPlugins).toEqual(['query-monitor']);
    const blog = await registry.registerApp('blog', { database: memory });
    await blog.knex.raw('select 1');
    await blog.knex.raw('select 2');

    const service = registry.importService<{ metrics(): Promise<string> }>('test', 'metrics:query-monitor');
    const text = await service.metrics();
    expect(text).toContain('knexus_queries_total{app="blog"} 2');
    expect(text).toContain('knexus_query_errors_total{app="blog"} 0');
    expect(text).toMatch(/knexus_query_duration_seconds_bucket\{le="0.1",app="blog"\} 2/);
    expect(text).toContain('knexus_query_duration_seconds_count{app="blog"} 2');

    await registry.unregisterApp('blog');
    expect(await service.metrics()).not.toContain('app="blog"');
  });

  it('rejects a bad config naming the field', async () => {
    registry = createRegistry();
    const cases: [Record<string, unknown>, string][] = [
      [{ slowQueryMs: -1 }, 'slowQueryMs'],
      [{ slowQueryMs: '500' }, 'slowQueryMs'],
      [{ sampleSize: 0 }, 'sampleSize'],
      [{ buckets: [10, 5] }, 'buckets'],
      [{ maxSqlLength: 1.5 }, 'maxSqlLength'],
      [{ slowQuery: 5 }, 'slowQuery'],
    ];
    for (const [config, field] of cases) {
      await expect(registry.loadPlugin(QueryMonitorPlugin, config)).rejects.toMatchObject({
        code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
        cause: { code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID', field, pluginName: 'query-monitor' },
      });
    }
  });

  it('runs the README example', async () => {
    const [example] = readmeExamples('query-monitor');
    const run = await runReadmeExample('query-monitor', example!);
    run.cleanup();
    expect(run.printed).toHaveLength(1);
    expect(JSON.parse(run.printed[0]!)).toMatchObject({ queries: expect.any(Number), errors: 0, errorRate: 0, slowQueries: 0 });
  });
});
