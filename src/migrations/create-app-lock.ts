import type { Knex } from 'knex';
import type { AppLock, AppLockOptions } from './app-lock.js';
import { MysqlLock } from './mysql-lock.js';
import { PgLock } from './pg-lock.js';
import { SqliteLock } from './sqlite-lock.js';

/** The lock adapter for the app's client. */
export function createAppLock(knex: Knex, options: AppLockOptions): AppLock {
  switch (options.client) {
    case 'pg':
      return new PgLock(knex, options);
    case 'mysql2':
      return new MysqlLock(knex, options);
    case 'better-sqlite3':
      return new SqliteLock(knex, options);
  }
}
