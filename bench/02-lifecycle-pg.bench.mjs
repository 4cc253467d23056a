/**
 * (2) The lifecycle of (1) on PostgreSQL: apps each in a schema of their own (5 migrations + 2 seeds,
 * register + unregister with rollback), against raw knex doing the same with `searchPath` and
 * `schemaName` (migrate.latest + seed.run + seed rows deleted + migrate.rollback + destroy).
 * Target: ≤ 0.8× raw knex.
 */
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { AppRegistry } from 'knexus';
import { QUICK, alternate, check, metric, report, time } from './harness.mjs';
import { freshPgDatabase } from './pg.mjs';

const migrations = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const seeds = fileURLToPath(new URL('./fixtures/seeds', import.meta.url));
const APPS = QUICK ? 5 : 50;
const db = await freshPgDatabase('lifecycle');
if (db === null) process.exit(0);

let sequence = 0;
async function rawKnex() {
  for (let i = 0; i < APPS; i++) {
    const schema = `raw_${sequence++}`;
    const knex = knexFactory({ client: 'pg', connection: db.connection, searchPath: [schema] });
    await knex.raw('create schema if not exists ??', [schema]);
    await knex.migrate.latest({ directory: migrations, loadExtensions: ['.js'], schemaName: schema });
    await knex.seed.run({ directory: seeds, loadExtensions: ['.js'] });
    if (i === 0) check(Number((await knex('table_1').count({ n: '*' }))[0].n) === 2, 'raw knex seeded table_1');
    await knex('table_1').del();
    await knex('table_2').del();
    await knex.migrate.rollback({ directory: migrations, loadExtensions: ['.js'], schemaName: schema });
    await knex.destroy();
  }
}

async function knexus(registry) {
  for (let i = 0; i < APPS; i++) {
    const name = `app_${sequence++}`;
    const app = await registry.registerApp(name, {
      database: { client: 'pg', connection: db.connection },
      schema: name,
      migrations: { directory: migrations },
      seeds: { directory: seeds },
    });
    if (i === 0) {
      check((await app.migrationStatus()).applied.length === 5, 'knexus applied 5 migrations');
      check(Number((await app.knex('table_1').count({ n: '*' }))[0].n) === 2, 'knexus seeded table_1');
    }
    await registry.unregisterApp(name);
  }
}

const registry = new AppRegistry();
const samples = await alternate(
  [
    { name: 'raw knex', run: async () => (await time(rawKnex)) / APPS },
    { name: 'knexus', run: async () => (await time(() => knexus(registry))) / APPS },
  ],
  { rounds: QUICK ? 1 : 3 },
);
await registry.shutdown();
await db.drop();
report(`lifecycle on PostgreSQL, ${APPS} apps each in its own schema`, [
  metric('knexus vs raw knex', 'ms/app', samples['knexus'], { baseline: { name: 'raw knex', samples: samples['raw knex'] }, target: 0.8 }),
]);
