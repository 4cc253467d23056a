import type { Knex } from 'knex';
import type { RepairResolution, RepairResult } from './dirty-state.js';
import { SEED_KIND } from './ledger-kind.js';
import { LedgerRunner } from './ledger-runner.js';
import type { RollbackResult, RunResult, SeedStatus } from './ledger-types.js';
import type { RunnerOptions } from './runner-options.js';

/**
 * Runs one app's tracked seeds: files exporting `seed(knex)` and optionally `unseed(knex)` (or `down`),
 * each applied once per app and recorded in the shared seed ledger.
 *
 * @example
 * const seeds = new SeedRunner(knex, { appName: 'billing', client: 'better-sqlite3', directories: ['/srv/billing/seeds'],
 *   tableName: 'knexus_seeds', schema: undefined, lockTimeout: 30_000, drift: 'error' });
 * await seeds.run();
 * const { irreversible } = await seeds.rollback({ all: true });
 */
export class SeedRunner {
  readonly #runner: LedgerRunner;

  constructor(knex: Knex, options: RunnerOptions) {
    this.#runner = new LedgerRunner(knex, options, SEED_KIND);
  }

  /** Applies the seeds this app has not applied yet, as one batch. */
  run(): Promise<RunResult> {
    return this.#runner.apply(undefined);
  }

  /**
   * Undoes seeds newest first: the last batch by default, exactly `batch`, the last `step` seeds, or `all`.
   * Seeds without an undo export leave the ledger too and are listed in `irreversible`.
   */
  rollback(
    options: { readonly batch?: number | undefined; readonly step?: number | undefined; readonly all?: boolean | undefined } = {},
  ): Promise<RollbackResult> {
    return this.#runner.rollback({ batch: options.batch, step: options.step, all: options.all }, 'step');
  }

  /** Settles a seed left dirty (started, never finished) once the database was checked by hand. */
  repair(file: string, resolution: RepairResolution): Promise<RepairResult> {
    return this.#runner.repair(file, resolution);
  }

  /** Applied, pending and drifted seeds, plus the applied ones that cannot be undone; read-only. */
  async status(): Promise<SeedStatus> {
    const status = await this.#runner.status();
    return Object.freeze({ ...status, irreversible: Object.freeze(await this.#runner.irreversible(status.applied)) });
  }
}
