import type { Knex } from 'knex';
import type { ClientName } from '../../clients.js';
import { type AppLock, type AppLockOptions, type LockSession, lockStoppedError, lockTimeoutError } from './app-lock.js';
import type { SessionLockQueries } from '../../dialects/dialect.js';

export type { SessionLockQueries } from '../../dialects/dialect.js';
import { dialectOf } from '../../dialects/dialect-of.js';
import { BatchSession } from './batch-session.js';
import { bindToConnection } from './bind-to-connection.js';
import { pollLock } from './poll-lock.js';
import { type SqlExecutor, knexExecutor } from '../sql-executor.js';
import { acquireLeading, forgetSession } from '../../util/session-marks.js';

/** Longest single wait in the database, in ms: shutdown and the deadline are checked between two. */
export const LOCK_WAIT_SLICE_MS = 100;

/**
 * A lock in one connection's session (PostgreSQL advisory lock, MySQL `GET_LOCK`: the dialect's queries),
 * held on one pooled connection that also runs every unit, so a pool of one suffices and the lock dies
 * with the session.
 */
export class SessionLock implements AppLock {
  readonly #knex: Knex;
  readonly #options: AppLockOptions;
  readonly #queries: () => SessionLockQueries;

  /** `queries` gives the dialect's lock queries for one hold. */
  constructor(knex: Knex, options: AppLockOptions, queries: () => SessionLockQueries) {
    this.#knex = knex;
    this.#options = options;
    this.#queries = queries;
  }

  /** Runs `work` holding the lock. */
  hold<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    return holdOnSession(this.#knex, this.#options, this.#queries(), work);
  }
}

/** Runs `work` holding the session lock `queries` take, after waiting for the gate if any. */
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
  const deadline = performance.now() + options.lockTimeout;
  // Where the dialect can, the session switch a routed connection needs rides along with the first try.
  const tryLockLeading = queries.tryLockLeading;
  const { connection, lead, switched } = await acquireLeading(knex, tryLockLeading !== undefined);
  try {
    const db = bindToConnection(knex, connection);
    const firstTry =
      lead === undefined || tryLockLeading === undefined
        ? () => queries.tryLock(db)
        : async () => {
            const locked = await tryLockLeading(db, lead);
            switched();
            return locked;
          };
    try {
      await takeLock(db, queries, deadline, options, firstTry);
    } catch (error) {
      await queries.abandon?.(db).catch(() => undefined);
      throw error;
    }
    // PostgreSQL batches a holder's transactional units into one transaction (see BatchSession); MySQL
    // commits DDL at once anyway, so there each unit stays a transaction of its own.
    const batch = dialectOf(options.client).batchesUnits ? new BatchSession(knex, connection, db, options.client) : undefined;
    const session: LockSession = batch ?? {
      unit: (unitWork, transactional) => connectionUnit(knex, connection, db, options.client, unitWork, transactional),
    };
    try {
      let value: T;
      try {
        value = await work(session);
      } catch (error) {
        // The units that succeeded before the failure stay applied, as when each committed on its own.
        await batch?.commit().catch(() => undefined);
        throw error;
      }
      await batch?.commit();
      return value;
    } finally {
      // A failed unlock means the connection is gone, and the server dropped the lock with its session.
      await queries.unlock(db).catch(() => undefined);
    }
  } finally {
    // A migration may have moved the session (`set search_path`, `USE`, `SET ROLE`): its next user resets it.
    forgetSession(knex, connection);
    await knex.client.releaseConnection(connection);
  }
}

/** `firstTry`, then waits in the database in slices when the dialect can, else polls `tryLock` with backoff. */
async function takeLock(
  db: Knex,
  queries: SessionLockQueries,
  deadline: number,
  options: AppLockOptions,
  firstTry: () => Promise<boolean>,
): Promise<void> {
  if (await firstTry()) return;
  // Made only for a busy lock (most holds never wait), still before waiting, so its stack shows who waited.
  const timeoutError = lockTimeoutError(options);
  const stop = stopOf(options);
  const wait = queries.wait;
  if (wait === undefined) return pollLock(() => queries.tryLock(db), deadline, timeoutError, stop);
  for (;;) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw timeoutError;
    if (stop?.stopped()) throw stop.error();
    if (await wait(db, Math.min(remaining, LOCK_WAIT_SLICE_MS))) return;
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
