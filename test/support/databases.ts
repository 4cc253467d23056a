/**
 * Real databases for tests: a fresh PostgreSQL database or MariaDB database per test file, dropped after.
 *
 * In CI (`CI=true`) an unreachable server fails the test file; elsewhere its tests are skipped with a
 * message naming the missing server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { DatabaseConfig } from '../../src/index.js';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

/** A database a test file owns. */
export interface TestDatabase {
  readonly dialect: 'sqlite' | 'pg' | 'mariadb';
  /** A fresh `DatabaseConfig` pointing at this test file's database. */
  config(overrides?: Partial<DatabaseConfig>): DatabaseConfig;
  /** A raw knex (not managed by knexus) for assertions. */
  readonly knex: Knex;
  readonly name: string;
  drop(): Promise<void>;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function reachable(config: Knex.Config): Promise<boolean> {
  const probe = knexFactory({ ...config, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 3000 });
  try {
    await probe.raw('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await probe.destroy();
  }
}

/** The server a dialect's tests need, as messages name it. */
export function serverLabel(dialect: 'sqlite' | 'pg' | 'mariadb'): string {
  if (dialect === 'pg') return `PostgreSQL at ${PG.host}:${PG.port}`;
  return dialect === 'mariadb' ? `MariaDB at ${MARIADB.host}:${MARIADB.port}` : 'SQLite';
}

/** Resolves to true if the server answers; in CI an unreachable server throws instead. */
export async function serverAvailable(dialect: 'pg' | 'mariadb'): Promise<boolean> {
  const config: Knex.Config =
    dialect === 'pg' ? { client: 'pg', connection: { ...PG, database: 'postgres' } } : { client: 'mysql2', connection: { ...MARIADB } };
  const ok = await reachable(config);
  const label = serverLabel(dialect);
  if (!ok && process.env['CI'] === 'true') throw new Error(`${label} is unreachable, and CI requires it`);
  if (!ok) console.warn(`skipping ${dialect} tests: ${label} is unreachable`);
  return ok;
}

/** A fresh PostgreSQL database. */
export async function createPgDatabase(): Promise<TestDatabase> {
  const name = uniqueName('knexus_t');
  const admin = knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });
  await admin.raw(`create database "${name}"`);
  await admin.destroy();
  const connection = { ...PG, database: name };
  const knex = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 4 } });
  return {
    dialect: 'pg',
    name,
    knex,
    config: (overrides = {}) => ({ client: 'pg', connection: { ...connection }, ...overrides }),
    async drop() {
      await knex.destroy();
      const dropper = knexFactory({ client: 'pg', connection: { ...PG, database: 'postgres' }, pool: { min: 0, max: 1 } });
      await dropper.raw(`drop database if exists "${name}" with (force)`);
      await dropper.destroy();
    },
  };
}

/** A fresh MariaDB database. */
export async function createMariaDatabase(): Promise<TestDatabase> {
  const name = uniqueName('knexus_t');
  const admin = knexFactory({ client: 'mysql2', connection: { ...MARIADB }, pool: { min: 0, max: 1 } });
  await admin.raw(`create database \`${name}\``);
  await admin.destroy();
  const connection = { ...MARIADB, database: name };
  const knex = knexFactory({ client: 'mysql2', connection, pool: { min: 0, max: 4 } });
  return {
    dialect: 'mariadb',
    name,
    knex,
    config: (overrides = {}) => ({ client: 'mysql2', connection: { ...connection }, ...overrides }),
    async drop() {
      await knex.destroy();
      const dropper = knexFactory({ client: 'mysql2', connection: { ...MARIADB }, pool: { min: 0, max: 1 } });
      await dropper.raw(`drop database if exists \`${name}\``);
      await dropper.destroy();
    },
  };
}

/** A fresh SQLite file in a temp folder. */
export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'knexus-sqlite-'));
  const filename = join(dir, 'test.sqlite');
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
  return {
    dialect: 'sqlite',
    name: filename,
    knex,
    config: (overrides = {}) => ({ client: 'better-sqlite3', connection: { filename }, ...overrides }),
    async drop() {
      await knex.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The dialects a behaviour test loops over. */
export const DIALECTS = ['sqlite', 'pg', 'mariadb'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** Creates the database for `dialect`, or returns null when its server is missing outside CI. */
export async function createDatabase(dialect: Dialect): Promise<TestDatabase | null> {
  if (dialect === 'sqlite') return createSqliteDatabase();
  if (!(await serverAvailable(dialect))) return null;
  return dialect === 'pg' ? createPgDatabase() : createMariaDatabase();
}
