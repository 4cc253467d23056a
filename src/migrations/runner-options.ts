import type { ClientName, DriftPolicy } from '../registry/app-config.js';

/** What a migration or seed runner needs to know about its app; the registry validates every field. */
export interface RunnerOptions {
  /** The app whose ledger rows the runner reads and writes; an already validated identifier. */
  readonly appName: string;
  readonly client: ClientName;
  /** Absolute folders whose files are sorted together by file name. */
  readonly directories: readonly string[];
  /** The ledger table, shared by every app on the database and keyed by app; a validated identifier. */
  readonly tableName: string;
  /** PostgreSQL schema holding the ledger (created by the registry, which also puts it on knex's searchPath). */
  readonly schema: string | undefined;
  /** Longest wait, in ms, for another process applying this app's files before `KNEXUS_ERR_LOCK_TIMEOUT`. */
  readonly lockTimeout: number;
  /** `error` refuses to apply anything when an applied file changed or vanished; `warn` and `ignore` proceed and report it. */
  readonly drift: DriftPolicy;
  /** True once the owner shuts down: a lock wait then stops at once with KNEXUS_ERR_SHUTTING_DOWN. */
  readonly stopped?: () => boolean;
}
