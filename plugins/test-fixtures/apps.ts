// App configs shared by the first-party plugins' tests.
import { fileURLToPath } from 'node:url';
import type { AppConfig, DatabaseConfig } from '../../src/index.js';

/** Absolute path of a fixture folder. */
export const fixture = (name: 'migrations' | 'seeds' | 'migrations-broken'): string =>
  fileURLToPath(new URL(`./${name}/`, import.meta.url));

/** An app with the `notes` migration and its two-row seed on `database` (default: a fresh in-memory SQLite). */
export function notesApp(database: DatabaseConfig = { client: 'better-sqlite3', connection: { filename: ':memory:' } }): AppConfig {
  return { database, migrations: { directory: fixture('migrations') }, seeds: { directory: fixture('seeds') } };
}

/** An app whose second migration fails. */
export function brokenApp(database: DatabaseConfig = { client: 'better-sqlite3', connection: { filename: ':memory:' } }): AppConfig {
  return { database, migrations: { directory: [fixture('migrations'), fixture('migrations-broken')] } };
}

/** Absolute path of a plugin's entry module, for config-driven loading. */
export const pluginModule = (name: string): string => fileURLToPath(new URL(`../${name}/index.ts`, import.meta.url));
