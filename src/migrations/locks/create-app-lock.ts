import type { Knex } from 'knex';
import { dialectOf } from '../../dialects/dialect-of.js';
import type { AppLock, AppLockOptions } from './app-lock.js';
import { SessionLock } from './session-lock.js';
import { SqliteLock } from './sqlite-lock.js';

/** The app's migration lock: in a connection's session where the dialect has one, else SQLite's lock file. */
export function createAppLock(knex: Knex, options: AppLockOptions): AppLock {
  const queries = dialectOf(options.client).lockQueries(options);
  return queries === undefined ? new SqliteLock(knex, options) : new SessionLock(knex, options, queries);
}
