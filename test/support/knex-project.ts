/**
 * A knex project as a team has it before adopting knexus: release-named migration files ordered by a
 * semver `migrationSource`, applied (in full or in part) by knex's own migrator.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import type { KnexMigrationSource } from '../../src/index.js';
import type { TestDatabase } from './databases.js';
// @ts-expect-error a plain-JavaScript fixture without types, as a knex project has it
import { SemverMigrationSource } from '../fixtures/knex-semver/semver-source.js';

/** The fixture's files in semver order. */
export const SEMVER_ORDER = ['2.2.3.js', '2.2.17.js', '2.9.1.js', '2.10.0.js'] as const;

/** A copy of the fixture's migrations folder that a test may edit; `cleanup()` removes it. */
export function copyMigrations(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'knexus-knex-project-'));
  cpSync(fileURLToPath(new URL('../fixtures/knex-semver/migrations', import.meta.url)), dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The semver source over `directory`, exactly as knex is given it. */
export function semverSource(directory: string): KnexMigrationSource {
  return new SemverMigrationSource(directory) as KnexMigrationSource;
}

/** Runs knex's own migrator on `db`: `latest`, or `up` `steps` times; resolves with knex's ledger names. */
export async function migrateWithKnex(
  db: TestDatabase,
  directory: string,
  options: { steps?: number; tableName?: string } = {},
): Promise<string[]> {
  const migrations: Knex.MigratorConfig = {
    migrationSource: semverSource(directory) as Knex.MigrationSource<unknown>,
    ...(options.tableName ? { tableName: options.tableName } : {}),
  };
  const knex = knexFactory({ ...db.config(), useNullAsDefault: true, migrations } as Knex.Config);
  try {
    if (options.steps === undefined) await knex.migrate.latest();
    else for (let i = 0; i < options.steps; i++) await knex.migrate.up();
    const rows = (await knex(options.tableName ?? 'knex_migrations')
      .orderBy('id')
      .select('name')) as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    await knex.destroy();
  }
}

/** Every table of the database, ledgers included, sorted. */
export async function tableNames(db: TestDatabase): Promise<string[]> {
  if (db.dialect === 'sqlite') {
    const rows = (await db.knex.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")) as {
      name: string;
    }[];
    return rows.map((row) => row.name);
  }
  if (db.dialect === 'pg') {
    const { rows } = (await db.knex.raw(
      "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
    )) as {
      rows: { name: string }[];
    };
    return rows.map((row) => row.name);
  }
  const [rows] = (await db.knex.raw(
    'select table_name as name from information_schema.tables where table_schema = database() order by 1',
  )) as [{ name: string }[]];
  return rows.map((row) => row.name);
}
