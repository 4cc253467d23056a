import type { Knex } from 'knex';
import { KnexusError } from '../../errors.js';
import { pollLock } from './poll-lock.js';

/**
 * SQLite's busy timeout while knexus waits for another connection's lock, in ms. better-sqlite3 waits
 * synchronously, freezing the whole event loop (HTTP, health checks, timers), so each attempt blocks at
 * most this long and the rest of the wait is asynchronous backoff.
 */
export const SQLITE_ATTEMPT_MS = 50;

/** better-sqlite3's own default busy timeout, restored once knexus stops waiting. */
export const SQLITE_DEFAULT_BUSY_MS = 5_000;

/** True for SQLITE_BUSY and its extended codes (the database file is locked by another connection). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Calls `attempt` until it does not fail with SQLITE_BUSY, backing off asynchronously; throws `timeoutError` after `deadline`. */
export async function retryWhileBusy<T>(
  attempt: () => Promise<T>,
  deadline: number,
  timeoutError: Error,
  stop?: { readonly stopped: () => boolean; readonly error: () => Error },
): Promise<T> {
  let result: { value: T } | undefined;
  await pollLock(
    async () => {
      try {
        result = { value: await attempt() };
        return true;
      } catch (error) {
        if (isBusy(error)) return false;
        throw error;
      }
    },
    deadline,
    timeoutError,
    stop,
  );
  return (result as { value: T }).value;
}

/**
 * The first statements on an app's SQLite file, with the busy timeout set before them: a file another
 * process holds locked (a long write) is waited for up to `lockTimeout` in short, asynchronous steps and
 * then reported as KNEXUS_ERR_LOCK_TIMEOUT, instead of failing after better-sqlite3's fixed 5 s as
 * "could not connect" while blocking the event loop.
 */
export async function openSqlite(knex: Knex, appName: string, lockTimeout: number, stopped: () => boolean = () => false): Promise<void> {
  const filename = (knex.client.connectionSettings as { filename?: unknown } | undefined)?.filename;
  if (filename === ':memory:' || filename === '') {
    // A private in-memory database: no other connection can hold a lock on it. Opening it is all the
    // check there is, and taking it from the pool does that without building a query.
    const connection: unknown = await knex.client.acquireConnection();
    await knex.client.releaseConnection(connection);
    return;
  }
  const deadline = performance.now() + lockTimeout;
  // A connection setting that touches no table: it never waits, so it can run first.
  await knex.raw(`pragma busy_timeout = ${SQLITE_ATTEMPT_MS}`);
  const timeoutError = new KnexusError(
    'KNEXUS_ERR_LOCK_TIMEOUT',
    `App '${appName}' waited ${lockTimeout} ms for its SQLite file, which another connection or process keeps locked ` +
      `(a long write or migration). Raise migrations.lockTimeout if that work takes longer.`,
    { appName, client: 'better-sqlite3', timeoutMs: lockTimeout },
  );
  try {
    // Reading the schema takes SQLite's shared lock: this is what waits while another process writes.
    const stop = {
      stopped,
      error: () =>
        new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', `App '${appName}' stopped waiting for its SQLite file: the registry is shutting down`, {
          appName,
        }),
    };
    await retryWhileBusy(() => knex.raw('select count(*) from sqlite_master'), deadline, timeoutError, stop);
  } finally {
    await knex.raw(`pragma busy_timeout = ${SQLITE_DEFAULT_BUSY_MS}`);
  }
}
