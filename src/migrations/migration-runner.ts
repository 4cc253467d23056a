import type { Knex } from 'knex';
import type { RepairResolution, RepairResult } from './dirty-state.js';
import { MIGRATION_KIND } from './ledger-kind.js';
import { LedgerRunner } from './ledger-runner.js';
import type { LedgerStatus, RollbackResult, RunResult } from './ledger-types.js';
import type { RunnerOptions } from './runner-options.js';

export type { RunnerOptions } from './runner-options.js';

/**
 * Applies and rolls back one app's knex-format migrations (`up`/`down`, optional
 * `config = { transaction: false }`), recording each in the shared ledger table under the app's name.
 *
 * @example
 * const runner = new MigrationRunner(knex, { appName: 'billing', client: 'pg', directories: ['/srv/billing/migrations'],
 *   tableName: 'knexus_migrations', schema: undefined, lockTimeout: 30_000, drift: 'error' });
 * const { batch, applied } = await runner.latest();
 * await runner.rollback({ batch: batch ?? undefined });
 */
export class MigrationRunner {
  readonly #runner: LedgerRunner;

  constructor(knex: Knex, options: RunnerOptions) {
    this.#runner = new LedgerRunner(knex, options, MIGRATION_KIND);
  }

  /** Applies every pending migration, or those up to and including `to` (file name, extension optional), as one new batch. */
  latest(options: { readonly to?: string | undefined } = {}): Promise<RunResult> {
    return this.#runner.apply(options.to);
  }

  /** Marks every pending migration up to and including `to` as applied (origin `baseline`) without running it, as one batch. */
  baseline(to: string): Promise<RunResult> {
    return this.#runner.baseline(to);
  }

  /** Records the migrations knex's own ledger lists as applied (origin `imported`); the app must have no knexus history yet. */
  importKnexHistory(): Promise<RunResult> {
    return this.#runner.apply(undefined, 'import-only');
  }

  /**
   * Rolls back the last batch by default; `batch` undoes exactly that batch, `step` the last n migrations,
   * `to` every migration applied after the named one and that one, `all` everything.
   */
  rollback(
    options: {
      readonly batch?: number | undefined;
      readonly step?: number | undefined;
      readonly all?: boolean | undefined;
      readonly to?: string | undefined;
    } = {},
  ): Promise<RollbackResult> {
    return this.#runner.rollback(options, 'step');
  }

  /** Settles a migration left dirty (started, never finished) once the database was checked by hand. */
  repair(file: string, resolution: RepairResolution): Promise<RepairResult> {
    return this.#runner.repair(file, resolution);
  }

  /** Applied migrations (batch, time, checksum), pending ones and drifted ones; read-only. */
  status(): Promise<LedgerStatus> {
    return this.#runner.status();
  }
}
