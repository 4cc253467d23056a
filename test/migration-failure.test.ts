import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KnexusError } from '../src/index.js';
import { DIALECTS, type TestDatabase } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function ledger(db: TestDatabase, app: string): Promise<string[]> {
  const rows = (await db.knex('knexus_migrations').where({ app }).orderBy('id').select('name')) as { name: string }[];
  return rows.map((row) => row.name);
}

async function caught(promise: Promise<unknown>): Promise<KnexusError> {
  try {
    await promise;
  } catch (error) {
    return error as KnexusError;
  }
  throw new Error('expected a rejection');
}

describe.each(DIALECTS)('migrations: failures (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  it('a migration failing half-way records nothing, keeps the ones before it, and reports the first database error', async () => {
    const registry = createRegistry();
    const error = await caught(
      registry.registerApp('payroll', { database: db.config(), migrations: { directory: fixture('migrations-failing') } }),
    );
    expect(error).toMatchObject({
      code: 'KNEXUS_ERR_MIGRATION_FAILED',
      appName: 'payroll',
      file: '002_half.mjs',
      direction: 'up',
      details: { batch: 1, applied: ['001_accounts.mjs'] },
    });
    // The swallowed first error, not PostgreSQL's follow-on "current transaction is aborted".
    expect(String((error.cause as Error).message)).toMatch(/failing_missing/);
    if (dialect === 'pg') expect((error.cause as { code?: string }).code).toBe('42P01');

    // MariaDB committed 002's CREATE TABLE, so its row stays as a *started* (dirty) marker until repaired
    // (see ledger-dirty-repair.test.ts); elsewhere the transaction took everything back.
    expect(await ledger(db, 'payroll')).toEqual(dialect === 'mariadb' ? ['001_accounts.mjs', '002_half.mjs'] : ['001_accounts.mjs']);
    expect(await db.knex.schema.hasTable('failing_accounts')).toBe(true);
    expect(await db.knex.schema.hasTable('failing_after')).toBe(false);
    // MySQL/MariaDB commit DDL implicitly, so only PostgreSQL and SQLite can take the table back.
    if (dialect !== 'mariadb') expect(await db.knex.schema.hasTable('failing_half')).toBe(false);
    await registry.shutdown();
  });

  it('a failing down stops the rollback, names the file, and lists what was already rolled back', async () => {
    const registry = createRegistry();
    const app = await registry.registerApp('archive', {
      database: db.config(),
      migrations: { directory: fixture('migrations-failing-down') },
    });
    const error = await caught(app.rollbackMigrations({ all: true }));
    expect(error).toMatchObject({
      code: 'KNEXUS_ERR_MIGRATION_FAILED',
      appName: 'archive',
      file: '002_second.mjs',
      direction: 'down',
      details: { rolledBack: ['003_third.mjs'] },
    });
    expect(error.cause).toBeInstanceOf(Error);
    expect(await app.migrationStatus()).toMatchObject({ pending: ['003_third.mjs'] });
    expect(await ledger(db, 'archive')).toEqual(['001_first.mjs', '002_second.mjs']);
    expect(await db.knex.schema.hasTable('down_third')).toBe(false);
    expect(await db.knex.schema.hasTable('down_second')).toBe(true);
    await registry.shutdown();
  });

  it('a failing file fixed on disk is imported again by the same process, CommonJS included', async (t) => {
    const directory = mkdtempSync(join(tmpdir(), 'knexus-fix-'));
    const broken = "throw new Error('not written yet');";
    const cjs = (table: string, body: string) =>
      `module.exports = { up: async (knex) => { ${body} await knex.schema.createTable('${table}', (t) => t.increments('id')); }, ` +
      `down: (knex) => knex.schema.dropTable('${table}') };`;
    const esm = (table: string, body: string) =>
      `export async function up(knex) { ${body} await knex.schema.createTable('${table}', (t) => t.increments('id')); }\n` +
      `export async function down(knex) { await knex.schema.dropTable('${table}'); }\n`;
    writeFileSync(join(directory, '001_common.cjs'), cjs('fixed_common', broken));
    writeFileSync(join(directory, '002_module.mjs'), esm('fixed_module', broken));
    const registry = createRegistry();
    const register = () => registry.registerApp('mender', { database: db!.config(), migrations: { directory } });
    try {
      await expect(register()).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED', file: '001_common.cjs' });
      writeFileSync(join(directory, '001_common.cjs'), cjs('fixed_common', ''));
      await expect(register()).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED', file: '002_module.mjs' });
      writeFileSync(join(directory, '002_module.mjs'), esm('fixed_module', ''));
      await register();
      expect(await ledger(db, 'mender')).toEqual(['001_common.cjs', '002_module.mjs']);
      await registry.unregisterApp('mender', { rollback: 'all' });
    } finally {
      await registry.shutdown();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
