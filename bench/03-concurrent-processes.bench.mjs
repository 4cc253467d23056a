/**
 * (3) 4 processes start at once and register the same 20 apps (each in its own schema, 5 migrations
 * + 2 seeds) on one fresh PostgreSQL database, against one process doing it alone on another fresh
 * database; wall time until every process is done. Every migration must be applied exactly once.
 * Target: ≤ 1.5× one process.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { QUICK, alternate, check, metric, report, time } from './harness.mjs';
import { PG } from './pg.mjs';

const PROCESSES = 4;
const APPS = QUICK ? 5 : 20;
const root = fileURLToPath(new URL('..', import.meta.url));
const migrations = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const seeds = fileURLToPath(new URL('./fixtures/seeds', import.meta.url));
const admin = knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });
try {
  await admin.raw('select 1');
} catch {
  if (process.env.CI === 'true') throw new Error('PostgreSQL at 127.0.0.1:5432 is unreachable, and CI requires it');
  console.log('PostgreSQL at 127.0.0.1:5432 is unreachable: skipped');
  process.exit(0);
}

const child = (database) => `
  import { AppRegistry } from 'knexus';
  const registry = new AppRegistry();
  try {
    for (let i = 0; i < ${APPS}; i++) {
      await registry.registerApp('app_' + i, {
        database: { client: 'pg', connection: ${JSON.stringify({ ...PG, database })}, pool: { min: 0, max: 2 } },
        schema: 'app_' + i,
        migrations: { directory: ${JSON.stringify(migrations)} },
        seeds: { directory: ${JSON.stringify(seeds)} },
      });
    }
  } finally {
    await registry.shutdown();
  }`;

function runChild(database) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', child(database)], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    proc.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

let sequence = 0;
async function race(processes) {
  const database = `knexus_bench_race_${process.pid}_${sequence++}`;
  await admin.raw(`create database "${database}"`);
  try {
    const ms = await time(() => Promise.all(Array.from({ length: processes }, () => runChild(database))));
    // Every ledger row of every schema: each (schema, app, migration) must appear once.
    const inspect = knexFactory({ client: 'pg', connection: { ...PG, database }, pool: { min: 0, max: 1 } });
    const ledgers = await inspect('information_schema.tables').where({ table_name: 'knexus_migrations' }).select('table_schema');
    const rows = [];
    for (const { table_schema: schema } of ledgers) {
      for (const row of await inspect('knexus_migrations').withSchema(schema).select('app', 'name'))
        rows.push(`${schema}/${row.app}/${row.name}`);
    }
    await inspect.destroy();
    return { ms, rows };
  } finally {
    await admin.raw(`drop database if exists "${database}" with (force)`);
  }
}

async function measure(processes) {
  const { ms, rows } = await race(processes);
  check(
    rows.length === APPS * 5 && new Set(rows).size === rows.length,
    `${processes} process(es): every migration applied exactly once (${rows.length} rows)`,
  );
  return ms;
}

const samples = await alternate(
  [
    { name: 'one process', run: () => measure(1) },
    { name: `${PROCESSES} processes`, run: () => measure(PROCESSES) },
  ],
  { rounds: QUICK ? 1 : 3, warmup: 0 },
);
await admin.destroy();
report(`${PROCESSES} processes registering the same ${APPS} apps on one PostgreSQL database`, [
  metric(`${PROCESSES} processes at once`, 'ms', samples[`${PROCESSES} processes`], {
    baseline: { name: 'one process', samples: samples['one process'] },
    target: 1.5,
  }),
]);
