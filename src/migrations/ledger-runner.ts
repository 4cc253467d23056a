import type { Knex } from 'knex';
import { KnexusError, errorMessage } from '../errors.js';
import type { AppLock } from './app-lock.js';
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
        try {
          await session.unit(async (db, sql) => {
            await script.apply(db, this.#options.context);
            await this.#ledger.insert(sql, { name: file.name, batch, checksum: file.checksum });
          }, script.transactional);
        } catch (error) {
          throw this.#failure(file.name, 'up', error, { batch, applied: [...applied] });
        }
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
      const targets = selectRollback(rows, selection, { appName: this.#options.appName, stepOption });
      // Resolve every undo first, so a missing file or export stops the rollback before it starts.
      const plans = await Promise.all(targets.map((row) => this.#undoPlan(row, catalog)));
      const rolledBack: string[] = [];
      const irreversible: string[] = [];
      for (const plan of plans) {
        try {
          await session.unit(async (db, sql) => {
            if (plan.undo !== undefined) await plan.undo(db, this.#options.context);
            await this.#ledger.remove(sql, plan.name);
          }, plan.transactional);
        } catch (error) {
          throw this.#failure(plan.name, 'down', error, { rolledBack: [...rolledBack], irreversible: [...irreversible] });
        }
        (plan.undo === undefined ? irreversible : rolledBack).push(plan.name);
      }
      return Object.freeze({
        rolledBack: Object.freeze(rolledBack),
        irreversible: Object.freeze(irreversible),
        durationMs: performance.now() - started,
      });
    });
  }

  /** Applied, pending and drifted files; reads without locking and never creates the ledger. */
  async status(): Promise<LedgerStatus> {
    const [catalog, rows] = await Promise.all([
      this.#catalog(),
      this.#ledger.readIfExists(knexExecutor(this.#knex, this.#options.client)),
    ]);
    const done = new Set(rows.map((row) => row.name));
    return Object.freeze({
      applied: Object.freeze(rows.map(entryOf)),
      pending: Object.freeze(catalog.files.filter((file) => !done.has(file.name)).map((file) => file.name)),
      drifted: Object.freeze(findDrift(rows, catalog)),
    });
  }

  /** Which of `applied` cannot be undone: their file is gone or exports no undo function. */
  async irreversible(applied: readonly LedgerEntry[]): Promise<string[]> {
    const catalog = await this.#catalog();
    const plans = await Promise.all(applied.map((entry) => this.#undoPlan(entry, catalog)));
    return plans.filter((plan) => plan.undo === undefined).map((plan) => plan.name);
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
