import type { Knex } from 'knex';
import { KnexusError, errorMessage } from '../errors.js';
import type { AppLock, LockSession } from './app-lock.js';
import { type RepairResolution, type RepairResult, dirtyError, isDirty, stateHint } from './dirty-state.js';
import { type GuardedSteps, runGuardedUnit } from './guarded-unit.js';
import { createAppLock } from './create-app-lock.js';
import { findDrift } from './find-drift.js';
import { type Catalog, type CatalogFile, FileCatalog } from './file-catalog.js';
import { Ledger, type LedgerRow } from './ledger.js';
import type { LedgerKind } from './ledger-kind.js';
import type { DriftEntry, LedgerEntry, LedgerStatus, RollbackResult, RunResult } from './ledger-types.js';
import { ModuleLoader } from './module-loader.js';
import { type RollbackSelection, selectRollback } from './rollback-selection.js';
import type { RunnerOptions } from './runner-options.js';
import { type Script, type ScriptStep, readScript } from './read-script.js';
import { knexExecutor } from './sql-executor.js';

interface UndoPlan {
  readonly name: string;
  readonly undo: ScriptStep | undefined;
  readonly transactional: boolean;
}

const entryOf = ({ name, batch, appliedAt, checksum }: LedgerEntry): LedgerEntry => Object.freeze({ name, batch, appliedAt, checksum });

/**
 * The logic migrations and seeds share: apply pending files as one batch, roll batches back, compare the
 * ledger with the files on disk. Writes happen under the app's lock, after re-reading the ledger, because
 * another process may have applied files while this one waited.
 */
export class LedgerRunner {
  readonly #knex: Knex;
  readonly #options: RunnerOptions;
  readonly #kind: LedgerKind;
  readonly #ledger: Ledger;
  readonly #lock: AppLock;

  constructor(knex: Knex, options: RunnerOptions, kind: LedgerKind) {
    this.#knex = knex;
    this.#options = Object.freeze({ ...options, directories: Object.freeze([...options.directories]) });
    this.#kind = kind;
    this.#ledger = new Ledger(knex, this.#options);
    this.#lock = createAppLock(knex, { ...this.#options, section: kind.section });
  }

  /** Applies the pending files (up to and including `to`) as one new batch. */
  async apply(to: string | undefined): Promise<RunResult> {
    const started = performance.now();
    const catalog = await this.#catalog();
    return this.#lock.hold(async (session) => {
      const rows = await session.unit(async (db, sql) => {
        await this.#ledger.ensure(db, sql);
        return this.#ledger.read(sql);
      }, false);
      this.#assertClean(rows);
      const drifted = findDrift(rows, catalog);
      if (drifted.length > 0 && this.#options.drift === 'error') throw this.#driftError(drifted);
      const done = new Set(rows.map((row) => row.name));
      const pending = this.#upTo(
        catalog.files.filter((file) => !done.has(file.name)),
        to,
      );
      if (pending.length === 0) return runResult(null, [], drifted, started);
      // Import every file first, so a broken one stops the batch before anything is applied.
      const scripts = await Promise.all(pending.map((file) => this.#script(file)));
      const batch = rows.reduce((max, row) => Math.max(max, row.batch), 0) + 1;
      const applied: string[] = [];
      for (const [index, file] of pending.entries()) {
        const script = scripts[index] as Script;
        const entry = { name: file.name, batch, checksum: file.checksum };
        await this.#guarded(session, file.name, 'up', script.transactional, { batch, applied: [...applied] }, {
          // Recorded as started (negative batch) first, in its own statement, so a failure or a crash leaves it dirty.
          start: (sql) => this.#ledger.insert(sql, { ...entry, batch: -batch }),
          work: async (db, sql, risky) => {
            await script.apply(db);
            await (risky ? this.#ledger.setBatch(sql, file.name, batch) : this.#ledger.insert(sql, entry));
          },
          clear: (sql) => this.#ledger.remove(sql, file.name),
        });
        applied.push(file.name);
      }
      return runResult(batch, applied, drifted, started);
    });
  }

  /** Undoes applied files newest first, each in its own transaction with the removal of its ledger row. */
  async rollback(selection: RollbackSelection, stepOption: string): Promise<RollbackResult> {
    const started = performance.now();
    const catalog = await this.#catalog();
    return this.#lock.hold(async (session) => {
      const rows = await session.unit((_db, sql) => this.#ledger.readIfExists(sql), false);
      this.#assertClean(rows);
      const targets = selectRollback(rows, selection, { appName: this.#options.appName, stepOption });
      // Resolve every undo first, so a missing file or export stops the rollback before it starts.
      const plans = await Promise.all(targets.map((row) => this.#undoPlan(row, catalog)));
      const rolledBack: string[] = [];
      const irreversible: string[] = [];
      for (const plan of plans) {
        const batch = rows.find((row) => row.name === plan.name)?.batch ?? 0;
        await this.#guarded(session, plan.name, 'down', plan.transactional || plan.undo === undefined, {
          rolledBack: [...rolledBack],
          irreversible: [...irreversible],
        }, {
          // A half-done undo is as uncertain as a half-done apply: the row is marked started until it finishes.
          start: (sql) => this.#ledger.setBatch(sql, plan.name, -batch),
          work: async (db, sql) => {
            if (plan.undo !== undefined) await plan.undo(db);
            await this.#ledger.remove(sql, plan.name);
          },
          clear: (sql) => this.#ledger.setBatch(sql, plan.name, batch),
        });
        (plan.undo === undefined ? irreversible : rolledBack).push(plan.name);
      }
      return Object.freeze({
        rolledBack: Object.freeze(rolledBack),
        irreversible: Object.freeze(irreversible),
        durationMs: performance.now() - started,
      });
    });
  }

  /** Settles a dirty file once a human fixed the database: `applied` keeps it in its batch, `rolled-back` forgets it. */
  async repair(file: string, resolution: RepairResolution): Promise<RepairResult> {
    const { appName } = this.#options;
    return this.#lock.hold(async (session) => {
      const rows = await session.unit((_db, sql) => this.#ledger.readIfExists(sql), false);
      const row = rows.find((candidate) => candidate.name === file && isDirty(candidate));
      if (row === undefined) {
        const dirty = rows.filter(isDirty).map((candidate) => candidate.name);
        throw new KnexusError(
          'KNEXUS_ERR_MIGRATION_NOT_FOUND',
          `App '${appName}' has no dirty ${this.#kind.noun} named ${file}` + (dirty.length > 0 ? `; dirty: ${dirty.join(', ')}` : '; its ledger is clean'),
          { appName, file, details: { dirty } },
        );
      }
      const batch = -row.batch;
      await session.unit((_db, sql) => (resolution === 'applied' ? this.#ledger.setBatch(sql, file, batch) : this.#ledger.remove(sql, file)), false);
      return Object.freeze({ file, resolution, batch: resolution === 'applied' ? batch : null });
    });
  }

  /** Applied, pending and drifted files; reads without locking and never creates the ledger. */
  async status(): Promise<LedgerStatus> {
    const [catalog, rows] = await Promise.all([
      this.#catalog(),
      this.#ledger.readIfExists(knexExecutor(this.#knex, this.#options.client)),
    ]);
    const done = new Set(rows.map((row) => row.name));
    const clean = rows.filter((row) => !isDirty(row));
    return Object.freeze({
      applied: Object.freeze(clean.map(entryOf)),
      pending: Object.freeze(catalog.files.filter((file) => !done.has(file.name)).map((file) => file.name)),
      drifted: Object.freeze(findDrift(clean, catalog)),
      dirty: Object.freeze(rows.filter(isDirty).map((row) => row.name)),
    });
  }

  /** Which of `applied` cannot be undone: their file is gone or exports no undo function. */
  async irreversible(applied: readonly LedgerEntry[]): Promise<string[]> {
    const catalog = await this.#catalog();
    const plans = await Promise.all(applied.map((entry) => this.#undoPlan(entry, catalog)));
    return plans.filter((plan) => plan.undo === undefined).map((plan) => plan.name);
  }

  /** Runs one file's unit under the dirty-state protocol (`runGuardedUnit`); a failure becomes the kind's coded error. */
  #guarded(session: LockSession, file: string, direction: 'up' | 'down', transactional: boolean, details: Record<string, unknown>, steps: GuardedSteps): Promise<void> {
    const { client, appName } = this.#options;
    return runGuardedUnit({ session, knex: this.#knex, client, transactional, steps }, (error, dirty) => {
      const hint = stateHint(transactional, dirty, this.#kind.section, appName, file);
      return this.#failure(file, direction, error, { ...details, dirty, hint });
    });
  }

  #assertClean(rows: readonly LedgerRow[]): void {
    const dirty = rows.filter(isDirty);
    if (dirty.length > 0) throw dirtyError(this.#kind, this.#options.appName, this.#options.client, dirty);
  }

  #catalog(): Promise<Catalog> {
    return FileCatalog.shared.read(this.#options.directories, { appName: this.#options.appName, section: this.#kind.section });
  }

  async #script(file: CatalogFile): Promise<Script> {
    const { appName } = this.#options;
    const exports = await ModuleLoader.shared.load(file, appName);
    return readScript(exports, this.#kind, { appName, file: file.name, path: file.path });
  }

  async #undoPlan(row: Pick<LedgerRow, 'name'>, catalog: Catalog): Promise<UndoPlan> {
    const file = catalog.byName.get(row.name);
    const { appName } = this.#options;
    const { noun, section } = this.#kind;
    if (file === undefined) {
      if (this.#kind.missingUndo === 'report') return { name: row.name, undo: undefined, transactional: true };
      throw new KnexusError(
        'KNEXUS_ERR_MIGRATION_NOT_FOUND',
        `Cannot roll back ${noun} ${row.name} of app '${appName}': its file is no longer in ${section}.directory. Restore it to undo it.`,
        { appName, file: row.name, direction: 'down' },
      );
    }
    const script = await this.#script(file);
    if (script.undo === undefined && this.#kind.missingUndo === 'require') {
      throw this.#failure(row.name, 'down', undefined, {
        reason: `${row.name} exports no ${this.#kind.undoExports.join(' or ')} function`,
      });
    }
    return { name: row.name, undo: script.undo, transactional: script.transactional };
  }

  #upTo(pending: CatalogFile[], to: string | undefined): CatalogFile[] {
    if (to === undefined) return pending;
    const index = pending.findIndex((file) => file.name === to || file.name.slice(0, file.name.lastIndexOf('.')) === to);
    if (index >= 0) return pending.slice(0, index + 1);
    const { appName } = this.#options;
    throw new KnexusError(
      'KNEXUS_ERR_MIGRATION_NOT_FOUND',
      `App '${appName}' has no pending ${this.#kind.noun} named ${to}; \`to\` must name a file that is not applied yet.`,
      { appName, file: to, direction: 'up', details: { pending: pending.map((file) => file.name) } },
    );
  }

  #driftError(drifted: readonly DriftEntry[]): KnexusError {
    const { appName } = this.#options;
    const { noun, section } = this.#kind;
    const files = drifted.map((entry) => entry.name);
    return new KnexusError(
      'KNEXUS_ERR_CHECKSUM_DRIFT',
      `App '${appName}' has applied ${noun} files that changed or vanished since they ran: ${files.join(', ')}. ` +
        `Restore them, or set ${section}.drift to 'warn' to proceed anyway.`,
      { appName, details: { files, drifted } },
    );
  }

  #failure(file: string, direction: 'up' | 'down', cause: unknown, details: Record<string, unknown>): KnexusError {
    const { appName } = this.#options;
    const { noun } = this.#kind;
    const reason = cause === undefined ? String(details['reason']) : errorMessage(cause);
    return new KnexusError(
      this.#kind.failure,
      `${noun[0]?.toUpperCase()}${noun.slice(1)} ${file} (${direction}) failed for app '${appName}': ${reason}`,
      { appName, file, direction, details },
      cause,
    );
  }
}

function runResult(batch: number | null, applied: string[], drifted: DriftEntry[], started: number): RunResult {
  return Object.freeze({
    batch,
    applied: Object.freeze(applied),
    drifted: Object.freeze(drifted),
    durationMs: performance.now() - started,
  });
}
