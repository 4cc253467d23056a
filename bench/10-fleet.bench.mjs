/**
 * Tenants as a running service: a fleet of FLEET tenants (default 10,000 on PostgreSQL, MARIA_FLEET 500 on
 * MariaDB; `--quick`: 200 and 30), every one migrated with the tenancy tests' two files, reached through
 * `new AppRegistry({ tenants })`.
 *
 * 1. A fresh replica ready (registry + owner, lazy) against attaching every tenant eagerly with migrations
 *    off, the way a replica booted before (target ≤ 1 s).
 * 2. `tenants.check()` over the fleet against one hand-written UNION ALL over every ledger (target ≤ 10 s).
 * 3. First request of a tenant not attached yet (`attach: 'verify'`), p50, against a query on an attached
 *    one (target ≤ 20 ms).
 * 4. 200 concurrent first requests for 50 tenants: exactly one registration per tenant, no error.
 * 5. `tenants.migrate()` of one new file over the fleet (target ≥ 300 tenants/s), against the same rollout
 *    hand-written with knex (one transaction per tenant on the shared pool), eight at a time each.
 * 6. Heap after attaching 4 × maxResident tenants stays bounded by maxResident.
 *
 * The fleet is built with SQL (schema, tables and a ledger copied from one tenant knexus migrated), so
 * building 10,000 tenants does not dominate the run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { AppRegistry } from 'knexus';
import { MARIADB, PG, withDatabase as withScratchDatabase } from './scratch-database.mjs';

const withDatabase = (client, work) => withScratchDatabase(client, work, 'knexus_fleet');
import { QUICK, check, median, metric, report } from './harness.mjs';

const TENANT_FILES = fileURLToPath(new URL('../test/fixtures/tenancy/migrations', import.meta.url));
const NEXT_FILES = fileURLToPath(new URL('../test/fixtures/tenancy/migrations-next', import.meta.url));
const FLEET = Number(process.env.FLEET ?? (QUICK ? 200 : 10_000));
const MARIA_FLEET = Number(process.env.MARIA_FLEET ?? (QUICK ? 30 : 500));
const metrics = [];
const notes = [];

const heapBytes = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};

/** Builds `names` as copies of the first tenant, which knexus migrates for real. */
async function buildFleet(client, database, names) {
  const connection = client === 'pg' ? { ...PG, database } : { ...MARIADB, database };
  const seed = new AppRegistry();
  await seed.registerApp('main', { database: { client, connection }, reusable: true });
  await seed.registerApp(names[0], { useConnection: 'main', schema: names[0], migrations: { directory: TENANT_FILES } });
  await seed.shutdown();
  const raw = knexFactory({ client, connection, pool: { min: 0, max: 10 } });
  const first = names[0];
  const q = (id) => (client === 'pg' ? `"${id}"` : `\`${id}\``);
  const copy = async (name) => {
    await raw.raw(client === 'pg' ? `create schema ${q(name)}` : `create database ${q(name)}`);
    for (const table of ['notes', 'tags', 'knexus_migrations']) {
      await raw.raw(
        client === 'pg'
          ? `create table ${q(name)}.${table} (like ${q(first)}.${table} including all)`
          : `create table ${q(name)}.${table} like ${q(first)}.${table}`,
      );
    }
    await raw.raw(
      `insert into ${q(name)}.knexus_migrations (app, name, batch, checksum, applied_at, origin) select ?, name, batch, checksum, applied_at, origin from ${q(first)}.knexus_migrations`,
      [name],
    );
  };
  const rest = names.slice(1);
  for (let i = 0; i < rest.length; i += 8) await Promise.all(rest.slice(i, i + 8).map(copy));
  return raw;
}

/**
 * The new file applied to `names` the way a user writes it without knexus: eight at a time on one
 * knex pool, each tenant in one transaction (locked, on its schema, ledger read, file run, row recorded).
 */
async function handWrittenRollout(client, knex, names) {
  const path = new URL('../test/fixtures/tenancy/migrations-next/003_labels.mjs', import.meta.url);
  const { up } = await import(path.href);
  const file = '003_labels.mjs';
  const checksum = createHash('sha256').update(readFileSync(path)).digest('hex');
  const one = (name) =>
    knex.transaction(async (trx) => {
      if (client === 'pg') {
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [name]);
        await trx.raw(`set local search_path to "${name}"`);
      } else {
        await trx.raw('use ??', [name]);
        await trx.raw('select get_lock(?, 10)', [name]);
      }
      const done = await trx('knexus_migrations').where({ app: name, name: file }).first();
      if (done === undefined) {
        await up(trx);
        await trx('knexus_migrations').insert({ app: name, name: file, batch: 2, checksum, applied_at: new Date(), origin: 'file' });
      }
      if (client !== 'pg') await trx.raw('select release_lock(?)', [name]);
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < names.length) await one(names[next++]);
    }),
  );
}

/**
 * MariaDB keeps at most table_definition_cache table definitions open: below the fleet's table count it
 * reopens them from disk on every tenant, and the bench measures that rather than knexus (the rollout
 * ran at about a third of its speed at 2,000 tenants with the default 400).
 */
async function tableCacheNote(knex, label, tables) {
  const [[{ definitions, open }]] = await knex.raw('select @@table_definition_cache as definitions, @@table_open_cache as open');
  const enough = Number(definitions) >= tables && Number(open) >= tables;
  return `${label}: table_definition_cache ${definitions}, table_open_cache ${open} for ${tables} tables${
    enough
      ? ''
      : ` (too small: \`set global table_definition_cache = ${tables}, table_open_cache = ${tables}\` to measure knexus, not the cache)`
  }`;
}

async function fleetScenario(client, size) {
  await withDatabase(client, async (database) => {
    const names = Array.from({ length: size }, (_, i) => (client === 'pg' ? `t${i}` : `${database}_t${i}`));
    const raw = await buildFleet(client, database, names);
    const connection = client === 'pg' ? { ...PG, database } : { ...MARIADB, database };
    const owner = { database: { client, connection, pool: { max: 10 } }, reusable: true };
    const tenants = (extra = {}) => ({
      owner: 'main',
      list: () => names,
      migrations: { directory: TENANT_FILES },
      attach: 'verify',
      ...extra,
    });
    const label = `${client === 'pg' ? 'PostgreSQL' : 'MariaDB'}, ${size} tenants`;
    if (client !== 'pg') notes.push(await tableCacheNote(raw, label, size * 4));

    // 1. Ready: lazy against eager attach with migrations off.
    const started = performance.now();
    const lazy = new AppRegistry({ tenants: tenants() });
    await lazy.registerApp('main', owner);
    const readyMs = performance.now() - started;
    const eagerStarted = performance.now();
    const eager = new AppRegistry();
    await eager.registerApp('main', owner);
    for (let i = 0; i < names.length; i += 100) {
      await Promise.all(
        names
          .slice(i, i + 100)
          .map((name) =>
            eager.registerApp(name, { useConnection: 'main', schema: name, migrations: { directory: TENANT_FILES, enabled: false } }),
          ),
      );
    }
    const eagerMs = performance.now() - eagerStarted;
    await eager.shutdown();
    metrics.push(
      metric(`${label}: fresh replica ready (lazy)`, 'ms', [readyMs], {
        baseline: { name: 'eager attach, migrations off', samples: [eagerMs] },
      }),
    );
    check(readyMs <= 1000 || QUICK, `ready in ${readyMs} ms`);

    // 2. Fleet check against one hand-written UNION ALL.
    const result = await lazy.tenants.check();
    check(result.ok && result.total === size && result.counts.current === size, `every tenant current: ${JSON.stringify(result.counts)}`);
    const unionStarted = performance.now();
    for (let i = 0; i < names.length; i += 500) {
      const page = names.slice(i, i + 500);
      await raw.raw(
        page.map(() => 'select app, name, checksum from ?? where app = ?').join(' union all '),
        page.flatMap((n) => [`${n}.knexus_migrations`, n]),
      );
    }
    const unionMs = performance.now() - unionStarted;
    metrics.push(
      metric(`${label}: tenants.check() over the fleet`, 'ms', [result.durationMs], {
        baseline: { name: 'bare UNION ALL', samples: [unionMs] },
      }),
    );
    notes.push(`${label}: check target ≤ 10 s: ${result.durationMs <= 10_000 ? 'met' : 'NOT met'}`);

    // 3. First request of a tenant not attached yet, one at a time, against a query on an attached tenant.
    const sample = names.slice(0, Math.min(100, Math.floor(size / 2)));
    const firsts = [];
    for (const name of sample) {
      const t0 = performance.now();
      const handle = await lazy.tenant(name);
      await handle.knex('notes').count({ n: '*' });
      firsts.push(performance.now() - t0);
    }
    const warm = [];
    const attached = await lazy.tenant(sample[0]);
    for (let i = 0; i < sample.length; i++) {
      const t0 = performance.now();
      await attached.knex('notes').count({ n: '*' });
      warm.push(performance.now() - t0);
    }
    metrics.push(
      metric(`${label}: first request of a tenant not attached yet, p50`, 'ms', firsts, {
        baseline: { name: 'the same query on an attached tenant', samples: warm },
      }),
    );
    notes.push(`${label}: first request p50 target ≤ 20 ms: ${median(firsts) <= 20 ? 'met' : 'NOT met'}`);

    // 4. 200 concurrent first requests for 50 tenants.
    const burst = names.slice(sample.length, sample.length + Math.min(50, size - sample.length));
    let registrations = 0;
    const count = ({ appName }) => burst.includes(appName) && registrations++;
    lazy.on('app-registered', count);
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => lazy.tenant(burst[i % burst.length])));
    lazy.off('app-registered', count);
    const errors = outcomes.filter((o) => o.status === 'rejected').length;
    check(registrations === burst.length && errors === 0, `${registrations} registrations for ${burst.length} tenants, ${errors} errors`);
    notes.push(`${label}: 200 concurrent first requests for ${burst.length} tenants: ${registrations} registrations, ${errors} errors`);
    await lazy.shutdown();

    // 5. Fleet migration of one new file, against the same rollout hand-written with knex (on a slice):
    // per tenant, one transaction on the shared pool that locks the tenant, points the session at its
    // schema, reads its ledger, runs the file and records it. Both run eight tenants at once on a pool of 10.
    const handNames = names.slice(0, Math.min(500, Math.floor(size / 5)));
    const handStarted = performance.now();
    await handWrittenRollout(client, raw, handNames);
    const handRate = (handNames.length * 1000) / (performance.now() - handStarted);
    const next = new AppRegistry({
      registry: { migrationConcurrency: 8 },
      tenants: tenants({ migrations: { directory: [TENANT_FILES, NEXT_FILES] } }),
    });
    await next.registerApp('main', owner);
    const job = await next.tenants.migrate({ concurrency: 8 });
    check(job.ok && job.done === size, `fleet migration: ${job.done} done, ${job.failed} failed`);
    const fleetRate = ((size - handNames.length) * 1000) / job.durationMs;
    metrics.push(
      metric(`${label}: fleet migration of one new file`, 'tenants/s', [fleetRate], {
        baseline: { name: 'hand-written knex rollout', samples: [handRate] },
      }),
    );
    notes.push(`${label}: fleet migration target ≥ 300 tenants/s: ${fleetRate >= 300 ? 'met' : 'NOT met'}`);
    await next.shutdown();

    // 6. Heap bounded by maxResident.
    const maxResident = Math.min(100, Math.floor(size / 4));
    const bounded = new AppRegistry({
      tenants: tenants({ attach: 'off', maxResident, migrations: { directory: [TENANT_FILES, NEXT_FILES] } }),
    });
    await bounded.registerApp('main', owner);
    const before = heapBytes();
    const touched = names.slice(0, maxResident * 4);
    for (let i = 0; i < touched.length; i += 25) await Promise.all(touched.slice(i, i + 25).map((name) => bounded.tenant(name)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const resident = bounded.tenants.status().resident;
    const heapKb = (heapBytes() - before) / 1024;
    check(resident <= maxResident, `${resident} resident with maxResident ${maxResident}`);
    metrics.push(metric(`${label}: heap after attaching ${touched.length} tenants, maxResident ${maxResident}`, 'KB', [heapKb]));
    notes.push(`${label}: resident after attaching ${touched.length}: ${resident} (maxResident ${maxResident})`);
    await bounded.shutdown();
    await raw.destroy();
  });
}

await fleetScenario('pg', FLEET);
await fleetScenario('mysql2', MARIA_FLEET);
report('Tenants as a running service (bench/10-fleet)', metrics, notes);
