/**
 * Many tenants on one server: apps with `useConnection` + `schema` (2 migrations each) on one shared pool.
 *
 * 1. PostgreSQL, TENANTS apps (default 10,000) on a pool of max 10: register and unregister (with rollback)
 *    throughput, heap per registered app after GC (target ≤ 50 KB), and the peak of knexus's backends in
 *    pg_stat_activity (target ≤ the pool's max, +1 for a side connection cancelling a timed-out query).
 * 2. Hot path: `select 1` through apps sharing the pool, alternating between 10 of them, against the same
 *    query through a dedicated knex, in the same run (target ≤ 1.2×); then the worst case, a pool of one
 *    connection where every query switches the schema first.
 * 2b. Behind PgBouncer in transaction mode (`pooler: 'transaction'`): `select 1` through apps sharing the
 *    pooled pool (each statement wrapped in a transaction opening with `set local search_path`) and inside
 *    a knex transaction (the route rides on BEGIN), against a dedicated knex on a direct connection and one
 *    through the same pooler, in the same run. Skipped with a note when pgbouncer is not installed.
 * 3. MariaDB, database per app, MARIA_TENANTS apps (default 500: each CREATE DATABASE makes a directory and
 *    files on disk, so 10,000 take too long for a benchmark here).
 *
 * Environment: TENANTS, MARIA_TENANTS, HOT_QUERIES; PostgreSQL at 127.0.0.1:5432 (postgres), MariaDB at
 * 127.0.0.1:3306 (root). Each run creates and drops its own databases.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
// The package by name (its own exports map), on the build, so no TypeScript loader sits in the measured path.
import { AppRegistry } from 'knexus';
import { MARIADB, PG, withDatabase } from './scratch-database.mjs';
import { QUICK, check, metric, report } from './harness.mjs';
import { PGBOUNCER_BIN, withPgBouncer } from './pgbouncer.mjs';

// The tenancy tests' two migrations, so the bench measures exactly what the tests check.
const migrations = { directory: fileURLToPath(new URL('../test/fixtures/tenancy/migrations', import.meta.url)) };
const TENANTS = Number(process.env.TENANTS ?? (QUICK ? 200 : 10_000));
const MARIA_TENANTS = Number(process.env.MARIA_TENANTS ?? (QUICK ? 20 : 500));
const HOT_QUERIES = Number(process.env.HOT_QUERIES ?? (QUICK ? 2_000 : 20_000));
const metrics = [];
const POOL_MAX = 10;
const BATCH = 250;

function heapBytes() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/** Samples a count query until stopped; resolves with the highest value. */
function peakOf(sample) {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await sample());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return peak;
  };
}

/** Registers `names` in batches of BATCH registrations at once; returns ms. */
async function registerAll(registry, names, config) {
  const started = performance.now();
  for (let i = 0; i < names.length; i += BATCH) {
    await Promise.all(names.slice(i, i + BATCH).map((name) => registry.registerApp(name, config(name))));
  }
  return performance.now() - started;
}

async function unregisterAll(registry, names) {
  const started = performance.now();
  for (let i = 0; i < names.length; i += BATCH) await Promise.all(names.slice(i, i + BATCH).map((name) => registry.unregisterApp(name)));
  return performance.now() - started;
}

async function postgresScale() {
  await withDatabase('pg', async (database) => {
    const applicationName = `knexus_bench_${randomBytes(3).toString('hex')}`;
    const observer = knexFactory({ client: 'pg', connection: { ...PG, database }, pool: { min: 0, max: 1 } });
    const stopPeak = peakOf(async () => {
      const { rows } = await observer.raw('select count(*)::int as n from pg_stat_activity where application_name = ?', [applicationName]);
      return rows[0].n;
    });
    const registry = new AppRegistry();
    await registry.registerApp('main', {
      database: { client: 'pg', connection: { ...PG, database, application_name: applicationName }, pool: { max: POOL_MAX } },
      reusable: true,
    });
    const names = Array.from({ length: TENANTS }, (_, i) => `t${i}`);
    const before = heapBytes();
    const registerMs = await registerAll(registry, names, (name) => ({ useConnection: 'main', schema: name, migrations }));
    const perApp = (heapBytes() - before) / TENANTS;
    const last = registry.getApp(names[names.length - 1]);
    check((await last.migrationStatus()).applied.length === 2, 'the last tenant applied both migrations');
    const unregisterMs = await unregisterAll(registry, names);
    const peak = await stopPeak();
    await registry.shutdown();
    await observer.destroy();
    const label = `PostgreSQL, ${TENANTS} schema apps on one pool of max ${POOL_MAX}`;
    metrics.push(metric(`${label}: register`, 'apps/s', [(TENANTS * 1000) / registerMs]));
    metrics.push(metric(`${label}: unregister with rollback`, 'apps/s', [(TENANTS * 1000) / unregisterMs]));
    metrics.push(metric(`${label}: heap per registered app after GC`, 'KB', [perApp / 1024], { target: 50 }));
    metrics.push(metric(`${label}: peak backends in pg_stat_activity`, 'connections', [peak], { target: POOL_MAX + 1 }));
  });
}

async function hotPath() {
  await withDatabase('pg', async (database) => {
    const connection = { ...PG, database };
    const dedicated = knexFactory({ client: 'pg', connection, pool: { min: 0, max: POOL_MAX } });
    const registry = new AppRegistry();
    await registry.registerApp('main', { database: { client: 'pg', connection, pool: { max: POOL_MAX } }, reusable: true });
    const apps = [];
    for (let i = 0; i < 10; i++) apps.push(await registry.registerApp(`hot${i}`, { useConnection: 'main', schema: `hot${i}` }));
    // `workers` loops in flight at once, each query on the next app in turn.
    const run = async (n, workers, query) => {
      const started = performance.now();
      await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
          for (let i = w; i < n; i += workers) await query(i);
        }),
      );
      return performance.now() - started;
    };
    const viaDedicated = (n, workers) => run(n, workers, () => dedicated.raw('select 1'));
    const viaApps = (n, workers) => run(n, workers, (i) => apps[i % 10].knex.raw('select 1'));
    const round = Math.max(1, Math.floor(HOT_QUERIES / 5));
    for (const workers of [1, 10]) {
      await viaDedicated(2_000, workers);
      await viaApps(2_000, workers);
      // Alternate rounds so drift on a shared machine hits both sides alike; keep each side's best round.
      const best = { dedicated: Infinity, apps: Infinity };
      for (let r = 0; r < 5; r++) {
        best.dedicated = Math.min(best.dedicated, await viaDedicated(round, workers));
        best.apps = Math.min(best.apps, await viaApps(round, workers));
      }
      const us = (ms) => (ms / round) * 1000;
      metrics.push(
        metric(
          `hot path, select 1 alternating between 10 apps on a shared pool, ${workers} in flight (best of 5)`,
          'µs/query',
          [us(best.apps)],
          {
            baseline: { name: 'dedicated knex', samples: [us(best.dedicated)] },
            target: 1.2,
          },
        ),
      );
    }
    // Worst case: a pool of one connection, so every query of the next app switches it first.
    await registry.registerApp('tiny', { database: { client: 'pg', connection, pool: { max: 1 } }, reusable: true });
    const tiny = [];
    for (let i = 0; i < 10; i++) tiny.push(await registry.registerApp(`tiny${i}`, { useConnection: 'tiny', schema: `hot${i}` }));
    const single = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 1 } });
    const best = { dedicated: Infinity, apps: Infinity };
    for (let r = 0; r < 5; r++) {
      best.dedicated = Math.min(best.dedicated, await run(round, 1, () => single.raw('select 1')));
      best.apps = Math.min(best.apps, await run(round, 1, (i) => tiny[i % 10].knex.raw('select 1')));
    }
    const us = (ms) => (ms / round) * 1000;
    metrics.push(
      metric('worst case, pool of max 1: a schema switch before every query', 'µs/query', [us(best.apps)], {
        baseline: { name: 'dedicated knex, one connection', samples: [us(best.dedicated)] },
      }),
    );
    await single.destroy();
    await registry.shutdown();
    await dedicated.destroy();
  });
}

const notes = [];

async function pooledPath() {
  await withDatabase('pg', async (database) => {
    const ran = await withPgBouncer(PG, async (port) => {
      const direct = { ...PG, database };
      const pooled = { ...PG, port, database };
      const dedicated = knexFactory({ client: 'pg', connection: direct, pool: { min: 0, max: POOL_MAX } });
      const viaPooler = knexFactory({ client: 'pg', connection: pooled, pool: { min: 0, max: POOL_MAX } });
      const registry = new AppRegistry();
      await registry.registerApp('main', {
        database: { client: 'pg', connection: pooled, pooler: 'transaction', directConnection: direct, pool: { max: POOL_MAX } },
        reusable: true,
      });
      const apps = [];
      for (let i = 0; i < 10; i++) apps.push(await registry.registerApp(`pooled${i}`, { useConnection: 'main', schema: `pooled${i}` }));
      const run = async (n, query) => {
        const started = performance.now();
        await Promise.all(
          Array.from({ length: 10 }, async (_, w) => {
            for (let i = w; i < n; i += 10) await query(i);
          }),
        );
        return performance.now() - started;
      };
      const sides = {
        direct: () => dedicated.raw('select 1'),
        pooler: () => viaPooler.raw('select 1'),
        apps: (i) => apps[i % 10].knex.raw('select 1'),
        transactions: (i) => apps[i % 10].knex.transaction((trx) => trx.raw('select 1')),
      };
      const round = Math.max(1, Math.floor(HOT_QUERIES / 5));
      for (const query of Object.values(sides)) await run(Math.min(round, 500), query);
      const best = Object.fromEntries(Object.keys(sides).map((key) => [key, Infinity]));
      for (let r = 0; r < 5; r++)
        for (const [key, query] of Object.entries(sides)) best[key] = Math.min(best[key], await run(round, query));
      check((await apps[3].knex.raw('select current_schema() as s')).rows[0].s === 'pooled3', 'a pooled app runs on its schema');
      const us = (ms) => (ms / round) * 1000;
      const directBase = { name: 'dedicated knex, direct connection', samples: [us(best.direct)] };
      const label = 'behind PgBouncer (transaction mode), select 1 alternating between 10 apps, 10 in flight (best of 5)';
      metrics.push(metric(`${label}: plain knex through the pooler`, 'µs/query', [us(best.pooler)], { baseline: directBase }));
      metrics.push(
        metric(`${label}: apps, each statement wrapped (begin; set local; …; commit)`, 'µs/query', [us(best.apps)], {
          baseline: directBase,
        }),
      );
      metrics.push(
        metric(`${label}: apps, routed against plain knex through the same pooler`, 'µs/query', [us(best.apps)], {
          baseline: { name: 'plain knex through the pooler', samples: [us(best.pooler)] },
        }),
      );
      metrics.push(
        metric(`${label}: apps, inside a knex transaction (route on BEGIN)`, 'µs/query', [us(best.transactions)], { baseline: directBase }),
      );
      await registry.shutdown();
      await Promise.all([dedicated.destroy(), viaPooler.destroy()]);
      return true;
    });
    if (ran === undefined) notes.push(`behind PgBouncer: skipped, ${PGBOUNCER_BIN} is not installed (apt-get install -y pgbouncer)`);
  });
}

async function mariadbScale() {
  await withDatabase('mysql2', async (database) => {
    const registry = new AppRegistry();
    await registry.registerApp('main', {
      database: { client: 'mysql2', connection: { ...MARIADB, database }, pool: { max: POOL_MAX } },
      reusable: true,
    });
    const names = Array.from({ length: MARIA_TENANTS }, (_, i) => `m${i}`);
    const schema = (name) => `${database}_${name}`;
    const registerMs = await registerAll(registry, names, (name) => ({ useConnection: 'main', schema: schema(name), migrations }));
    const unregisterMs = await unregisterAll(registry, names);
    await registry.shutdown();
    const label = `MariaDB, ${MARIA_TENANTS} apps with a database each on one pool of max ${POOL_MAX}`;
    metrics.push(metric(`${label}: register`, 'apps/s', [(MARIA_TENANTS * 1000) / registerMs]));
    metrics.push(metric(`${label}: unregister with rollback`, 'apps/s', [(MARIA_TENANTS * 1000) / unregisterMs]));
  });
}

const only = process.env.ONLY;
if (!only || only === 'hot') await hotPath();
if (!only || only === 'pooler') await pooledPath();
if (!only || only === 'pg') await postgresScale();
if (!only || only === 'mariadb') await mariadbScale();
report('many tenants (schema per app on a shared pool)', metrics, notes);
