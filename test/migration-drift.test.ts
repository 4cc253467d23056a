import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const source = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));
const LATE = `export async function up(knex) {
  await knex.schema.createTable('drift_late', (t) => t.increments('id'));
}

export async function down(knex) {
  await knex.schema.dropTable('drift_late');
}
`;

describe.each(DIALECTS)('migrations: checksum drift (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();
  let directory: string;
  // Each test edits its own copy of the migrations, applied once by a registration that keeps the data.
  beforeEach(async (t) => {
    if (!db.available) return t.skip(); // useDatabase skips the test; this hook must not run either
    directory = mkdtempSync(join(tmpdir(), 'knexus-drift-'));
    cpSync(source, directory, { recursive: true });
    const registry = createRegistry();
    await registry.registerApp('ledgerly', { database: db.config(), migrations: { directory } });
    await registry.unregisterApp('ledgerly', { skipRollback: true });
    await registry.shutdown();
    appendFileSync(join(directory, '001_users.mjs'), '\n// edited after it ran\n');
    writeFileSync(join(directory, '004_late.mjs'), LATE);
    return async () => {
      // Runs after the afterEach hooks, so useRegistry() would not shut this one down.
      const cleanup = new AppRegistry();
      try {
        await cleanup.registerApp('ledgerly', { database: db!.config(), migrations: { directory, drift: 'ignore' } });
        await cleanup.unregisterApp('ledgerly', { rollback: 'all' });
      } finally {
        await cleanup.shutdown();
        rmSync(directory, { recursive: true, force: true });
      }
    };
  });

  it("policy 'error' refuses to register and applies nothing, naming the changed file", async () => {
    const registry = createRegistry();
    await expect(registry.registerApp('ledgerly', { database: db!.config(), migrations: { directory } })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_CHECKSUM_DRIFT',
      appName: 'ledgerly',
      details: { files: ['001_users.mjs'] },
    });
    expect(await db!.knex.schema.hasTable('drift_late')).toBe(false);
    await registry.shutdown();
  });

  it("policy 'warn' applies pending files and reports the drift in the result and a warning", async () => {
    const registry = createRegistry();
    const warnings: { code: string }[] = [];
    registry.on('warning', (warning) => warnings.push(warning));
    const app = await registry.registerApp('ledgerly', { database: db!.config(), migrations: { directory, drift: 'warn' } });
    expect(await app.runMigrations()).toMatchObject({ applied: [], drifted: [{ name: '001_users.mjs' }] });
    expect(warnings).toMatchObject([{ code: 'KNEXUS_ERR_CHECKSUM_DRIFT' }]);
    expect(await db!.knex.schema.hasTable('drift_late')).toBe(true);
    const [drift] = (await app.migrationStatus()).drifted;
    expect(drift?.recorded).toMatch(/^[0-9a-f]{64}$/);
    expect(drift?.current).toMatch(/^[0-9a-f]{64}$/);
    expect(drift?.current).not.toBe(drift?.recorded);
    await registry.shutdown();
  });

  it("policy 'ignore' proceeds; a deleted applied file is drift with current: null", async () => {
    rmSync(join(directory, '002_posts.mjs'));
    const registry = createRegistry();
    const app = await registry.registerApp('ledgerly', { database: db!.config(), migrations: { directory, drift: 'ignore' } });
    const status = await app.migrationStatus();
    expect(status.drifted.map((entry) => [entry.name, entry.current === null])).toEqual([
      ['001_users.mjs', false],
      ['002_posts.mjs', true],
    ]);
    expect(status.pending).toEqual([]);
    // A vanished file cannot be rolled back: put it back first.
    await expect(app.rollbackMigrations({ all: true })).rejects.toMatchObject({
      code: 'KNEXUS_ERR_MIGRATION_NOT_FOUND',
      file: '002_posts.mjs',
    });
    cpSync(join(source, '002_posts.mjs'), join(directory, '002_posts.mjs'));
    await registry.shutdown();
  });
});
