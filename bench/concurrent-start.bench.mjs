/**
 * Several processes start at once against one fresh PostgreSQL database and migrate the same app:
 * raw knex (`migrate.latest`) against knexus (`registerApp`). Prints how many processes failed and
 * how many times each migration was applied. Repeated a few rounds, each on a new database.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';

const PROCESSES = 6;
const ROUNDS = 10;
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const migrations = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const dist = fileURLToPath(import.meta.resolve('knexus'));

const child = {
  knex: (db) => `
    import knexFactory from 'knex';
    const knex = knexFactory({ client: 'pg', connection: ${JSON.stringify({ ...PG, database: db })} });
    try { await knex.migrate.latest({ directory: ${JSON.stringify(migrations)}, loadExtensions: ['.js'] }); console.log('ok'); }
    catch (e) { console.log('fail ' + (e.code ?? '') + ' ' + e.message.split('\\n')[0]); }
    finally { await knex.destroy(); }`,
  knexus: (db) => `
    const { AppRegistry } = await import(${JSON.stringify(dist)});
    const registry = new AppRegistry();
    try { await registry.registerApp('app', { database: { client: 'pg', connection: ${JSON.stringify({ ...PG, database: db })} }, migrations: { directory: ${JSON.stringify(migrations)} } }); console.log('ok'); }
    catch (e) { console.log('fail ' + (e.code ?? '') + ' ' + e.message.split('\\n')[0]); }
    finally { await registry.shutdown(); }`,
};

function run(source) {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.on('close', () => resolve(out.trim()));
  });
}

const admin = knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });
try {
  await admin.raw('select 1');
} catch {
  console.log('PostgreSQL at 127.0.0.1:5432 is unreachable: skipped');
  process.exit(0);
}
for (const tool of ['knex', 'knexus']) {
  let failed = 0;
  const codes = new Map();
  let doubleApplied = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const db = `knexus_bench_${tool}_${process.pid}_${round}`;
    await admin.raw(`create database "${db}"`);
    const outputs = await Promise.all(Array.from({ length: PROCESSES }, () => run(child[tool](db))));
    for (const line of outputs) {
      if (line.startsWith('fail')) {
        failed++;
        const code = line.split(' ')[1] || 'other';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    const check = knexFactory({ client: 'pg', connection: { ...PG, database: db }, pool: { min: 0, max: 1 } });
    const table = tool === 'knex' ? 'knex_migrations' : 'knexus_migrations';
    const rows = await check(table).select('name').catch(() => []);
    doubleApplied += rows.length - new Set(rows.map((r) => r.name)).size;
    await check.destroy();
    await admin.raw(`drop database "${db}" with (force)`);
  }
  const detail = [...codes].map(([c, n]) => `${c}×${n}`).join(', ');
  console.log(`${tool.padEnd(6)}: ${failed}/${PROCESSES * ROUNDS} processes failed${detail ? ` (${detail})` : ''}; migrations applied twice: ${doubleApplied}`);
}
await admin.destroy();
