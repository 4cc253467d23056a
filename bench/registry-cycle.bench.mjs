/**
 * Register (5 migrations + 2 seeds) then unregister with rollback, 300 in-memory SQLite apps one
 * after another, against raw knex doing the same files (migrate.latest + seed.run + migrate.rollback
 * + destroy) in the same run. Then memory after 1,000 cycles against the baseline.
 * Target: knexus at most 0.5× raw knex; heap back to baseline.
 */
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
// Plain JavaScript against the build, so no TypeScript loader slows either side's imports.
import { AppRegistry } from 'knexus';

const migrations = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const seeds = fileURLToPath(new URL('./fixtures/seeds', import.meta.url));
const APPS = 300;

async function rawKnex(n) {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    await knex.migrate.latest({ directory: migrations, loadExtensions: ['.js'] });
    await knex.seed.run({ directory: seeds, loadExtensions: ['.js'] });
    await knex.migrate.rollback({ directory: migrations, loadExtensions: ['.js'] });
    await knex.destroy();
  }
  return performance.now() - started;
}

async function knexus(registry, n, offset = 0) {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const name = `app_${offset + i}`;
    await registry.registerApp(name, {
      database: { client: 'better-sqlite3', connection: { filename: ':memory:' } },
      migrations: { directory: migrations },
      seeds: { directory: seeds },
    });
    await registry.unregisterApp(name);
  }
  return performance.now() - started;
}

function heapMb() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

const registry = new AppRegistry();
// Warm both paths (module loading, JIT) before measuring.
await rawKnex(20);
await knexus(registry, 20, 1_000_000);

const raw = await rawKnex(APPS);
const ours = await knexus(registry, APPS);
console.log(`register+unregister ×${APPS} (in-memory SQLite, 5 migrations + 2 seeds)`);
console.log(`  raw knex : ${raw.toFixed(0)} ms (${(raw / APPS).toFixed(2)} ms/app)`);
console.log(`  knexus   : ${ours.toFixed(0)} ms (${(ours / APPS).toFixed(2)} ms/app)`);
console.log(`  ratio    : ${(ours / raw).toFixed(2)}× raw knex (target ≤ 0.50)`);

if (globalThis.gc) {
  const baseline = heapMb();
  await knexus(registry, 1_000, 2_000_000);
  const after = heapMb();
  console.log(`memory after 1,000 cycles: ${after.toFixed(1)} MB vs baseline ${baseline.toFixed(1)} MB (ratio ${(after / baseline).toFixed(2)})`);
} else {
  console.log('memory: run with --expose-gc to measure');
}
await registry.shutdown();
