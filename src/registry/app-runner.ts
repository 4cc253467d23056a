import type { Knex } from 'knex';
import type { AppOperations, MigrationRollbackOptions, SeedRollbackOptions } from '../connection/app-operations.js';
import type { AppHandle } from '../connection/app-handle.js';
import type { RepairResolution, RepairResult } from '../migrations/dirty-state.js';
import type { LedgerStatus, RollbackResult, RunResult, SeedStatus } from '../migrations/ledger-types.js';
import type { MigrationRunner } from '../migrations/migration-runner.js';
import type { SeedRunner } from '../migrations/seed-runner.js';
import type { FailedOperation, RollbackContext, RollbackSummary } from '../plugins/lifecycle-types.js';
import type { RegistryReporter } from './registry-reporter.js';
import { createRunner, type RunnerSite } from './runner-settings.js';

type Section = 'migrations' | 'seeds';

/** What one rollback undoes, seeds first; `undone` hears of each section as it completes. */
export interface RollbackPlan {
  readonly seeds?: SeedRollbackOptions | undefined;
  readonly migrations?: MigrationRollbackOptions | undefined;
  readonly undone?: (section: Section) => void;
}

const RUN_EVENTS = {
  auto: { migrations: ['auto-migration-started', 'auto-migration-completed'], seeds: ['auto-seed-started', 'auto-seed-completed'] },
  manual: { migrations: ['migrations-started', 'migrations-completed'], seeds: ['seeds-started', 'seeds-completed'] },
} as const;

/**
 * The one path to an app's migration and seed runners, with the instrumentation on it: the registry's
 * pipelines (`auto*` events, drift warnings, unregistration rollbacks) and the app handle's manual calls
 * (`migrations-*`/`seeds-*` events, `onAppRollback*` hooks, failures reported as `error` + `onOperationFailed`)
 * both go through here. Built per registration; the `AppHandle` delegates its operations to it.
 */
export class AppRunner implements AppOperations {
  readonly #ctx: RegistryReporter;
  readonly #site: RunnerSite & { readonly knex: Knex };
  readonly #connection: () => AppHandle;
  #migrations: MigrationRunner | undefined;
  #seeds: SeedRunner | undefined;

  constructor(ctx: RegistryReporter, site: RunnerSite & { readonly knex: Knex }, connection: () => AppHandle) {
    this.#ctx = ctx;
    this.#site = site;
    this.#connection = connection;
  }

  /** Where migrations and seeds run: the app's pool, or the server itself behind a transaction pooler. */
  get site(): RunnerSite & { readonly knex: Knex } {
    return this.#site;
  }

  runMigrations(options: { readonly to?: string }): Promise<RunResult> {
    return this.#run('manual', 'migrations', () => this.#migrationRunner().latest(options));
  }

  rollbackMigrations(options: MigrationRollbackOptions): Promise<RollbackResult> {
    return this.#manualRollback('migrations', options);
  }

  baselineMigrations({ to }: { readonly to?: string; readonly fromKnex?: boolean }): Promise<RunResult> {
    return this.#run('manual', 'migrations', () =>
      to === undefined ? this.#migrationRunner().importKnexHistory() : this.#migrationRunner().baseline(to),
    );
  }

  migrationStatus(): Promise<LedgerStatus> {
    return this.#scrubbed(() => this.#migrationRunner().status());
  }

  runSeeds(): Promise<RunResult> {
    return this.#run('manual', 'seeds', () => this.#seedRunner().run());
  }

  rollbackSeeds(options: SeedRollbackOptions): Promise<RollbackResult> {
    return this.#manualRollback('seeds', options);
  }

  seedStatus(): Promise<SeedStatus> {
    return this.#scrubbed(() => this.#seedRunner().status());
  }

  /** Registration's step: applies pending files between the `auto-*` events, warning about tolerated drift. */
  autoRun(section: Section): Promise<RunResult> {
    return this.#run('auto', section, () => (section === 'migrations' ? this.#migrationRunner().latest() : this.#seedRunner().run()));
  }

  /**
   * Undoes `plan` (seeds, then migrations) between `app-rollback-started`/`-completed` and the
   * `onAppRollbackStarted`/`-Completed` hooks. Failures are thrown to the caller, who reports its own step.
   */
  async rollback(context: RollbackContext, plan: RollbackPlan): Promise<RollbackSummary> {
    const started = performance.now();
    const appName = this.#site.name;
    this.#ctx.emit('app-rollback-started', { appName, options: context });
    await this.#ctx.hooks.dispatch('onAppRollbackStarted', appName, this.#connection(), context);
    let seeds: RollbackResult | null = null;
    let migrations: RollbackResult | null = null;
    if (plan.seeds !== undefined) {
      seeds = await this.#seedRunner().rollback(plan.seeds);
      plan.undone?.('seeds');
    }
    if (plan.migrations !== undefined) {
      migrations = await this.#migrationRunner().rollback(plan.migrations);
      plan.undone?.('migrations');
    }
    const summary: RollbackSummary = Object.freeze({ seeds, migrations, durationMs: performance.now() - started });
    this.#ctx.emit('app-rollback-completed', { appName, result: summary });
    await this.#ctx.hooks.dispatch('onAppRollbackCompleted', appName, summary);
    return summary;
  }

  /** `registry.repair()` on this app: settles one dirty file; errors are masked. */
  repair(section: Section, file: string, resolution: RepairResolution): Promise<RepairResult> {
    return this.#scrubbed(() => (section === 'migrations' ? this.#migrationRunner() : this.#seedRunner()).repair(file, resolution));
  }

  /** Masks this app's secrets in an error. */
  scrub<E>(error: E): E {
    return this.#site.pool.scrubber.scrubError(error);
  }

  #migrationRunner(): MigrationRunner {
    return (this.#migrations ??= createRunner(this.#site.knex, this.#site, 'migrations', () => this.#ctx.closing()));
  }

  #seedRunner(): SeedRunner {
    return (this.#seeds ??= createRunner(this.#site.knex, this.#site, 'seeds', () => this.#ctx.closing()));
  }

  async #run(mode: 'auto' | 'manual', section: Section, work: () => Promise<RunResult>): Promise<RunResult> {
    const appName = this.#site.name;
    const [started, completed] = RUN_EVENTS[mode][section];
    this.#ctx.emit(started, { appName });
    // Registration reports a failing step itself (with its own context); a manual call reports here.
    const result = mode === 'manual' ? await this.#observed(section, { trigger: 'manual' }, work) : await work();
    if (mode === 'auto') this.#warnDrift(section, result);
    this.#ctx.emit(completed, { appName, result });
    return result;
  }

  async #manualRollback(target: Section, request: MigrationRollbackOptions): Promise<RollbackResult> {
    const context: RollbackContext = Object.freeze({ trigger: 'manual' as const, target, ...request });
    const summary = await this.#observed('rollback', { ...context }, () => this.rollback(context, { [target]: request }));
    return summary[target]!;
  }

  /** Runs `work`; a failure is masked, reported (`error` event, `onOperationFailed`) and rethrown. */
  async #observed<T>(operation: FailedOperation, context: Readonly<Record<string, unknown>>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (thrown) {
      const error = this.scrub(thrown instanceof Error ? thrown : new Error(String(thrown)));
      await this.#ctx.fail(this.#site.name, operation, error, { ...context });
      throw error;
    }
  }

  async #scrubbed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.scrub(error);
    }
  }

  #warnDrift(section: Section, result: RunResult): void {
    if (result.drifted.length === 0) return;
    const appName = this.#site.name;
    const kind = section === 'migrations' ? 'migration' : 'seed';
    this.#ctx.emit('warning', {
      appName,
      code: 'KNEXUS_ERR_CHECKSUM_DRIFT',
      message: `App '${appName}': ${result.drifted.length} applied ${kind} file(s) changed since they ran: ${result.drifted.map((d) => d.name).join(', ')}`,
      details: { drifted: result.drifted },
    });
  }
}
