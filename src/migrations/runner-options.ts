import type { ClientName } from '../clients.js';
import type { DriftPolicy } from './migrations-config.js';
import type { KnexHistoryOptions } from './knex/knex-history.js';
import type { KnexSource } from './knex/knex-source.js';

/** What a migration or seed runner needs to know about its app; the registry validates every field. */
export interface RunnerOptions {
  /** The app whose ledger rows the runner reads and writes; an already validated identifier. */
  readonly appName: string;
  readonly client: ClientName;
  /** Absolute folders whose files are sorted together by file name (empty when `source` is given). */
  readonly directories: readonly string[];
  /** A knex `migrationSource`/`seedSource` to list scripts from instead of directories. */
  readonly source?: KnexSource | undefined;
  /** File extensions that count (knex's `loadExtensions`); default `.js`, `.cjs`, `.mjs`, `.ts`. */
  readonly loadExtensions?: readonly string[] | undefined;
  /** Run every script outside a transaction unless it exports `config.transaction = true` (knex's option); default false. */
  readonly disableTransactions?: boolean | undefined;
  /** Migrations only: knex's own ledger to import or refuse (see `migrations.importKnexHistory`). */
  readonly knexHistory?: KnexHistoryOptions | undefined;
  /** The ledger table, shared by every app on the database and keyed by app; a validated identifier. */
  readonly tableName: string;
  /** PostgreSQL schema holding the ledger (created by the registry, which also puts it on knex's searchPath). */
  readonly schema: string | undefined;
  /** Longest wait, in ms, for another process applying this app's files before `KNEXUS_ERR_LOCK_TIMEOUT`. */
  readonly lockTimeout: number;
  /** `error` refuses to apply anything when an applied file changed or vanished; `warn` and `ignore` proceed and report it. */
  readonly drift: DriftPolicy;
  /** Given to each file's up/down (seed/unseed) as a second argument; plugin-owned files get `{ plugin, appName }`. */
  readonly context?: unknown;
  /**
   * Admits one lock session at a time per free slot (a shared pool's `p-limit`), so apps migrating at once
   * never hold every pooled connection; default: no bound.
   */
  readonly gate?: SessionGate | undefined;
  /** True once the owner shuts down: a lock wait then stops at once with KNEXUS_ERR_SHUTTING_DOWN. */
  readonly stopped?: () => boolean;
}

/** Runs `work` when a slot is free (p-limit's call signature). */
export type SessionGate = <T>(work: () => Promise<T>) => Promise<T>;
