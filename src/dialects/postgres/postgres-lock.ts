import type { LockIdentity, SessionLockQueries } from '../dialect.js';
import { advisoryKey } from './advisory-key.js';

// While we hold the lock, the server checks every 500 ms that we are still connected (PostgreSQL 14+,
// Linux): otherwise a holder killed during a long statement keeps the lock until that statement ends.
// Only a session where the check is off ('0') is switched, and switched back at unlock; a server that
// lacks the setting gives null, so nothing is set there. (Reading pg_settings instead cost a scan of every
// setting per lock and per unlock: about a millisecond of server time per migrated tenant.)
const CHECK_CONNECTION =
  "select set_config('client_connection_check_interval', '500', false) where current_setting('client_connection_check_interval', true) = '0'";
const STOP_CHECKING = "set_config('client_connection_check_interval', '0', false)";
const TRY_LOCK = `select pg_try_advisory_lock(?::bigint) as locked, (${CHECK_CONNECTION}) as checking`;
// The same try after a session switch, in one simple-protocol round trip: the key (digits only) is inlined.
const tryLockAfter = (lead: string, key: string) =>
  `${lead}; select pg_try_advisory_lock(${key}::bigint) as locked, (${CHECK_CONNECTION}) as checking`;
// Waiting for a busy lock: a transaction-level lock on the same key, under a lock_timeout local to
// this one statement, is granted the moment the holder unlocks (waiters queue in order) and lets the
// session lock be taken by a try in the same statement; it is released when the statement ends.
const WAIT_LOCK =
  `select pg_advisory_xact_lock(?::bigint) as waited, pg_try_advisory_lock(?::bigint) as locked, (${CHECK_CONNECTION}) as checking ` +
  "from (select set_config('lock_timeout', ?, true)) as bounded";
// PostgreSQL may report a lock timeout that fired as the wait was granted, after the try took the
// session lock: a failed wait therefore asks whether this session holds the lock after all.
const HOLDING = `select exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted and objsubid = 1
  and ((classid::bigint << 32) | objid::bigint) = ?::bigint) as holding`;
const LOCK_NOT_AVAILABLE = '55P03';
const UNLOCK = 'select pg_advisory_unlock(?::bigint) as unlocked';
const UNLOCK_AND_STOP_CHECKING = `select pg_advisory_unlock(?::bigint) as unlocked, ${STOP_CHECKING} as checking`;

/**
 * A PostgreSQL session-level advisory lock per app and ledger; each hold's queries remember whether they
 * switched the connection check on. A busy lock is waited for in the database (see WAIT_LOCK), so the
 * waiter takes it the moment the holder unlocks rather than at its next poll.
 */
export function postgresLockQueries(lock: LockIdentity): () => SessionLockQueries {
  const key = advisoryKey('app', lock.schema ?? '', lock.tableName, lock.appName);
  return () => holdQueries(key);
}

function holdQueries(key: string): SessionLockQueries {
  let checking = false;
  const locked = (result: unknown) => {
    const row = firstRow(result);
    checking ||= row['checking'] !== null && row['checking'] !== undefined;
    return row['locked'] === true;
  };
  return {
    tryLock: async (db) => locked(await db.raw(TRY_LOCK, [key])),
    // A multi-statement query answers with one result per statement: the try is the last.
    tryLockLeading: async (db, lead) => locked(((await db.raw(tryLockAfter(lead, key))) as unknown[]).at(-1)),
    unlock: (db) => db.raw(checking ? UNLOCK_AND_STOP_CHECKING : UNLOCK, [key]),
    abandon: async (db) => (checking ? db.raw(`select ${STOP_CHECKING}`) : undefined),
    wait: async (db, ms) => {
      try {
        return locked(await db.raw(WAIT_LOCK, [key, key, `${Math.max(1, Math.ceil(ms))}ms`]));
      } catch (error) {
        if (!isLockTimeout(error)) throw error;
        // A timeout reported late can also hit the next statement: ask twice before giving up.
        const holding = async () => firstRow(await db.raw(HOLDING, [key]))['holding'] === true;
        return holding().catch((again: unknown) => (isLockTimeout(again) ? holding() : Promise.reject(again)));
      }
    },
  };
}

function firstRow(result: unknown): Record<string, unknown> {
  return ((result as { rows: Record<string, unknown>[] }).rows[0] ?? {}) as Record<string, unknown>;
}

const isLockTimeout = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === LOCK_NOT_AVAILABLE;
