import type { Knex } from 'knex';
import { KnexusError } from '../../errors.js';
import type { ClientName } from '../../clients.js';
import type { SessionGate } from '../runner-options.js';
import type { SqlExecutor } from '../sql-executor.js';

/** What a lock holder can do: run units of work on the locked connection. */
export interface LockSession {
  /**
   * Runs `work` in its own transaction (a savepoint on SQLite), or directly on the locked connection when
   * `transactional` is false. `db` is for migration and seed files, `sql` for knexus's own statements;
   * both run in the same transaction. A failed transactional unit rejects with the first database error.
   */
  unit<T>(work: (db: Knex, sql: SqlExecutor) => Promise<T>, transactional: boolean): Promise<T>;
}

/** A lock on one app's ledger that other processes respect; one small adapter per dialect. */
export interface AppLock {
  /** Runs `work` while holding the lock; throws `KNEXUS_ERR_LOCK_TIMEOUT` if it is not free within the lock timeout. */
  hold<T>(work: (session: LockSession) => Promise<T>): Promise<T>;
}

/** Which lock to take and how long to wait for it. */
export interface AppLockOptions {
  readonly appName: string;
  readonly client: ClientName;
  /** The ledger table the lock guards. */
  readonly tableName: string;
  readonly schema: string | undefined;
  /** Longest wait for another holder, in ms. */
  readonly lockTimeout: number;
  /** `migrations` or `seeds`, named in the timeout message. */
  readonly section: string;
  /** Bounds how many lock sessions of one pool hold a connection at once. */
  readonly gate?: SessionGate | undefined;
  /** True once the owner shuts down: waiting stops at once. */
  readonly stopped?: (() => boolean) | undefined;
}

/** The KNEXUS_ERR_SHUTTING_DOWN a lock wait ends with when its owner shuts down. */
export function lockStoppedError(options: AppLockOptions): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_SHUTTING_DOWN',
    `App '${options.appName}' stopped waiting for its ${options.section} lock: the registry is shutting down`,
    { appName: options.appName, client: options.client },
  );
}

/** The `KNEXUS_ERR_LOCK_TIMEOUT` a lock throws; create it before waiting so its stack shows who waited. */
export function lockTimeoutError(options: AppLockOptions): KnexusError {
  const { appName, client, lockTimeout, section, tableName, schema } = options;
  return new KnexusError(
    'KNEXUS_ERR_LOCK_TIMEOUT',
    `App '${appName}' waited ${lockTimeout} ms for its ${section} lock, which another process or registry still holds ` +
      `while it applies them. Raise migrations.lockTimeout if its ${section} take longer.`,
    { appName, client, timeoutMs: lockTimeout, details: { tableName, schema } },
  );
}
