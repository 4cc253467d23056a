/**
 * (1) Register (5 migrations + 2 seeds) then unregister with rollback, in-memory SQLite apps one after
 * another, against raw knex doing the same files (migrate.latest + seed.run + seed rows deleted +
 * migrate.rollback + destroy) and against the floor: the same SQL straight through better-sqlite3.
 * Then the heap after 1,000 cycles against the heap before them.
 * Targets: ≤ 0.30× raw knex; memory after the cycles ≤ 1.05×.
 */
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import knexFactory from 'knex';
import { AppRegistry } from 'knexus';
import { QUICK, alternate, check, metric, report, time } from './harness.mjs';

const migrations = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const seeds = fileURLToPath(new URL('./fixtures/seeds', import.meta.url));
const APPS = QUICK ? 20 : 300;
const CYCLES = QUICK ? 100 : 1_000;
const TABLES = [1, 2, 3, 4, 5];

async function rawKnex(n) {
  for (let i = 0; i < n; i++) {
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    await knex.migrate.latest({ directory: migrations, loadExtensions: ['.js'] });
    await knex.seed.run({ directory: seeds, loadExtensions: ['.js'] });
    if (i === 0) check((await knex('table_1').count({ n: '*' }))[0].n === 2, 'raw knex seeded table_1');
    await knex('table_1').del();
    await knex('table_2').del();
    await knex.migrate.rollback({ directory: migrations, loadExtensions: ['.js'] });
    await knex.destroy();
  }
}

function sqlFloor(n) {
  for (let i = 0; i < n; i++) {
    const db = new Database(':memory:');
    for (const t of TABLES)
      db.exec(`create table table_${t} (id integer primary key autoincrement, name varchar(255) not null, value integer)`);
    for (const t of [1, 2]) db.prepare(`insert into table_${t} (name, value) values (?, ?), (?, ?)`).run('a', 1, 'b', 2);
    for (const t of [1, 2]) db.exec(`delete from table_${t}`);
    for (const t of [...TABLES].reverse()) db.exec(`drop table table_${t}`);
    db.close();
  }
}

let sequence = 0;
async function knexus(registry, n) {
  for (let i = 0; i < n; i++) {
    const name = `app_${sequence++}`;
    const app = await registry.registerApp(name, {
      database: { client: 'better-sqlite3', connection: { filename: ':memory:' } },
      migrations: { directory: migrations },
      seeds: { directory: seeds },
    });
    if (i === 0) {
      check((await app.migrationStatus()).applied.length === 5, 'knexus applied 5 migrations');
      check((await app.knex('table_1').count({ n: '*' }))[0].n === 2, 'knexus seeded table_1');
    }
    await registry.unregisterApp(name);
  }
}

function heapMb() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const registry = new AppRegistry();
const perApp = (fn) => async () => (await time(fn)) / APPS;
const samples = await alternate([
  { name: 'raw knex', run: perApp(() => rawKnex(APPS)) },
  { name: 'knexus', run: perApp(() => knexus(registry, APPS)) },
  { name: 'better-sqlite3 SQL', run: perApp(() => sqlFloor(APPS)) },
]);
const before = heapMb();
await knexus(registry, CYCLES);
const after = heapMb();
await registry.shutdown();

report(`lifecycle, ${APPS} in-memory SQLite apps (5 migrations + 2 seeds, register + unregister with rollback)`, [
  metric('knexus vs raw knex', 'ms/app', samples['knexus'], { baseline: { name: 'raw knex', samples: samples['raw knex'] }, target: 0.3 }),
  metric('knexus vs the SQL floor', 'ms/app', samples['knexus'], {
    baseline: { name: 'better-sqlite3 SQL', samples: samples['better-sqlite3 SQL'] },
  }),
  metric(`heap after ${CYCLES} more cycles`, 'MB', [after], { baseline: { name: 'heap before', samples: [before] }, target: 1.05 }),
]);
