import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';
import { type AppLockOptions, type LockSession, lockStoppedError, lockTimeoutError } from './app-lock.js';
import { bindToConnection } from './bind-to-connection.js';
import { pollLock } from './poll-lock.js';
import { type SqlExecutor, knexExecutor } from './sql-executor.js';

/** How a dialect takes and gives back a lock that lives in one connection's session. */
export interface SessionLockQueries {
  /** Tries once to take the lock; true when taken. */
  tryLock(db: Knex): Promise<boolean>;
  /** Gives the lock back. */
  unlock(db: Knex): Promise<unknown>;
  /** Undoes what `tryLock` set on the session when the lock was never taken; optional. */
  abandon?(db: Knex): Promise<unknown>;
}

/**
 * Runs `work` holding a session-level lock (PostgreSQL advisory lock, MySQL `GET_LOCK`) on one pooled
 * connection that also runs every unit, so a pool of one suffices and the lock dies with the session.
 */
export function holdOnSession<T>(
  knex: Knex,
  options: AppLockOptions,
  queries: SessionLockQueries,
  work: (session: LockSession) => Promise<T>,
): Promise<T> {
  const hold = () => holdNow(knex, options, queries, work);
  return options.gate === undefined ? hold() : options.gate(hold);
}

async function holdNow<T>(
  knex: Knex,
  options: AppLockOptions,
  queries: SessionLockQueries,
  work: (session: LockSession) => Promise<T>,
): Promise<T> {
  const timeoutError = lockTimeoutError(options);
  const deadline = performance.now() + options.lockTimeout;
  const connection: unknown = await knex.client.acquireConnection();
  try {
    const db = bindToConnection(knex, connection);
    try {
      await pollLock(() => queries.tryLock(db), deadline, timeoutError, stopOf(options));
    } catch (error) {
      await queries.abandon?.(db).catch(() => undefined);
      throw error;
    }
    const session: LockSession = {
      unit: (unitWork, transactional) => connectionUnit(knex, connection, db, options.client, unitWork, transactional),
    };
    try {
      return await work(session);
    } finally {
      // A failed unlock means the connection is gone, and the server dropped the lock with its session.
      await queries.unlock(db).catch(() => undefined);
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/**
 * A unit of work on a connection the lock already holds (PostgreSQL, MySQL): its own knex transaction
 * there, or `db` itself when `transactional` is false. A failure rejects with the first error a query
 * raised rather than a follow-on one (PostgreSQL's "current transaction is aborted", a failed ROLLBACK).
 */
async function connectionUnit<T>(
  knex: Knex,
  connection: unknown,
  db: Knex,
  client: ClientName,
  work: (db: Knex, sql: SqlExecutor) => Promise<T>,
  transactional: boolean,
): Promise<T> {
  if (!transactional) return work(db, knexExecutor(db, client));
  let first: { error: unknown } | undefined;
  try {
    return await knex.transaction(
      async (trx) => {
        trx.on('query-error', (error: unknown) => (first ??= { error }));
        try {
          return await work(trx, knexExecutor(trx, client));
        } catch (error) {
          first ??= { error };
          throw error;
        }
      },
      { connection },
    );
  } catch (error) {
    throw first === undefined ? error : first.error;
  }
}

/** How a lock wait learns that its owner shuts down, if it can. */
export function stopOf(options: AppLockOptions): { stopped: () => boolean; error: () => Error } | undefined {
  const stopped = options.stopped;
  return stopped === undefined ? undefined : { stopped, error: () => lockStoppedError(options) };
}
