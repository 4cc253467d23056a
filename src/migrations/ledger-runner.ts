import type { Knex } from 'knex';
import { KnexusError, errorMessage } from '../errors.js';
import type { AppLock, LockSession } from './app-lock.js';
import { type RepairResolution, type RepairResult, dirtyError, isDirty, stateHint } from './dirty-state.js';
import { type GuardedSteps, runGuardedUnit } from './guarded-unit.js';
import { driftError, knexHistoryError } from './runner-errors.js';
import { createAppLock } from './create-app-lock.js';
import { createScriptSource } from './create-script-source.js';
import { findDrift } from './find-drift.js';
import { KnexHistory } from './knex-history.js';
import { Ledger, type LedgerRow } from './ledger.js';
import type { LedgerKind } from './ledger-kind.js';
import type { DriftEntry, LedgerEntry, LedgerStatus, RollbackResult, RunResult } from './ledger-types.js';
import { type RollbackSelection, selectRollback } from './rollback-selection.js';
import type { RunnerOptions } from './runner-options.js';
import { type Script, type ScriptStep, readScript } from './read-script.js';
import type { ScriptEntry, ScriptList, ScriptSource } from './script-source.js';
import { knexExecutor } from './sql-executor.js';

interface UndoPlan {
  readonly name: string;
  readonly undo: ScriptStep | undefined;
  readonly transactional: boolean;
}

/** How `apply` treats knex's ledger: as configured, forced to import (`baseline --from-knex`), or only importing. */
type KnexMode = 'configured' | 'import-only';

const entryOf = ({ name, batch, appliedAt, checksum, origin }: LedgerEntry): LedgerEntry => Object.freeze({ name, batch, appliedAt, checksum, origin });

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
  readonly #source: ScriptSource;
  readonly #knexHistory: KnexHistory | undefined;

  constructor(knex: Knex, options: RunnerOptions, kind: LedgerKind) {
    this.#knex = knex;
    this.#options = Object.freeze({ ...options, directories: Object.freeze([...options.directories]) });
    this.#kind = kind;
    const { appName, client, schema } = this.#options;
    this.#ledger = new Ledger(knex, { ...this.#options, option: `${kind.section}.tableName` });
    this.#lock = createAppLock(knex, { ...this.#options, section: kind.section });
    this.#source = createScriptSource(this.#options, { appName, section: kind.section });
    this.#knexHistory = options.knexHistory === undefined ? undefined : new KnexHistory(knex, options.knexHistory, { client, schema, appName });
  }

  /** Applies the pending files (up to and including `to`) as one new batch, importing knex's history first when configured. */
  async apply(to: string | undefined, mode: KnexMode = 'configured'): Promise<RunResult> {
    const started = performance.now();
    const catalog = await this.#source.list();
    // Read-only checks first: a taken table name or an undecided knex history must stop us before the
    // lock (whose SQLite table is itself a write) or the ledger table is created.
    await this.#precheck(catalog, mode);
    return this.#lock.hold(async (session) => {
      let rows = await this.#ensureAndRead(session);
      this.#assertClean(rows);
      const imported = rows.length === 0 ? await this.#importKnex(session, catalog, mode) : [];
      if (imported.length > 0) rows = await session.unit((_db, sql) => this.#ledger.read(sql), false);
      if (mode === 'import-only') return runResult(null, [], [], imported, started);
      const drifted = findDrift(rows, catalog);
      if (drifted.length > 0 && this.#options.drift === 'error') throw driftError(this.#options.appName, this.#kind, drifted);
      const pending = this.#upTo(this.#pending(rows, catalog), to);
      if (pending.length === 0) return runResult(null, [], drifted, imported, started);
      // Import every file first, so a broken one stops the batch before anything is applied.
      const scripts = await Promise.all(pending.map((file) => this.#script(file)));
      const batch = nextBatch(rows);
      const applied: string[] = [];
      for (const [index, file] of pending.entries()) {
        const script = scripts[index] as Script;
        const entry = { name: file.name, batch, checksum: file.checksum };
        await this.#guarded(session, file.name, 'up', script.transactional, { batch, applied: [...applied] }, {
          // Recorded as started (negative batch) first, in its own statement, so a failure or a crash leaves it dirty.
          start: (sql) => this.#ledger.insert(sql, { ...entry, batch: -batch }),
          work: async (db, sql, risky) => {
            await script.apply(db, this.#options.context);
            await (risky ? this.#ledger.setBatch(sql, file.name, batch) : this.#ledger.insert(sql, entry));
          },
          clear: (sql) => this.#ledger.remove(sql, file.name),
        });
        applied.push(file.name);
      }
      return runResult(batch, applied, drifted, imported, started);
    });
  }

  /** Records every pending file up to and including `to` as applied (origin `baseline`) without running it, as one batch. */
  async baseline(to: string): Promise<RunResult> {
    const started = performance.now();
    const catalog = await this.#source.list();
    await this.#ledger.inspect(knexExecutor(this.#knex, this.#options.client));
    return this.#lock.hold(async (session) => {
      const rows = await this.#ensureAndRead(session);
      this.#assertClean(rows);
      const marked = this.#upTo(this.#pending(rows, catalog), to);
      const batch = nextBatch(rows);
      await session.unit(async (_db, sql) => {
        for (const file of marked) await this.#ledger.insert(sql, { name: file.name, batch, checksum: file.checksum, origin: 'baseline' });
      }, true);
      return runResult(batch, marked.map((file) => file.name), [], [], started);
    });
  }

  /** Undoes applied files newest first, each in its own transaction with the removal of its ledger row. */
  async rollback(selection: RollbackSelection, stepOption: string): Promise<RollbackResult> {
    const started = performance.now();
    const catalog = await this.#source.list();
    await this.#ledger.inspect(knexExecutor(this.#knex, this.#options.client));
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
            if (plan.undo !== undefined) await plan.undo(db, this.#options.context);
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
    const sql = knexExecutor(this.#knex, this.#options.client);
    const catalog = await this.#source.list();
    const rows = (await this.#ledger.inspect(sql)) === 'missing' ? [] : await this.#ledger.readIfExists(sql);
    const clean = rows.filter((row) => !isDirty(row));
    const history = this.#knexHistory;
    const knexRows = rows.length === 0 && history !== undefined && history.options.import !== false ? await history.read(sql) : null;
    return Object.freeze({
      applied: Object.freeze(clean.map(entryOf)),
      pending: Object.freeze(this.#pending(rows, catalog).map((file) => file.name)),
      drifted: Object.freeze(findDrift(clean, catalog)),
      dirty: Object.freeze(rows.filter(isDirty).map((row) => row.name)),
      ...(knexRows === null || history === undefined
        ? {}
        : { knexHistory: Object.freeze({ table: history.options.tableName, applied: Object.freeze(knexRows.map((row) => row.name)) }) }),
    });
  }

  /** Which of `applied` cannot be undone: their file is gone or exports no undo function. */
  async irreversible(applied: readonly LedgerEntry[]): Promise<string[]> {
    const catalog = await this.#source.list();
    const plans = await Promise.all(applied.map((entry) => this.#undoPlan(entry, catalog)));
    return plans.filter((plan) => plan.undo === undefined).map((plan) => plan.name);
  }

  async #precheck(catalog: ScriptList, mode: KnexMode): Promise<void> {
    const sql = knexExecutor(this.#knex, this.#options.client);
    const shape = await this.#ledger.inspect(sql);
    const history = this.#knexHistory;
    const decision = mode === 'import-only' ? true : history?.options.import;
    if (history === undefined || decision === false) return;
    if (shape !== 'missing' && (await this.#ledger.read(sql)).length > 0) {
      if (mode === 'import-only') throw knexHistoryError(this.#options.appName, 'has-history', undefined);
      return;
    }
    const knexRows = await history.read(sql);
    if (knexRows === null) {
      if (mode === 'import-only') throw knexHistoryError(this.#options.appName, 'no-knex-ledger', this.#knexHistory?.options.tableName);
      return;
    }
    if (decision === undefined) throw history.undecidedError(knexRows.length);
    history.match(knexRows, catalog);
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

  /** Under the lock, with the ledger empty: records knex's applied migrations in one transaction, if so configured. */
  async #importKnex(session: LockSession, catalog: ScriptList, mode: KnexMode): Promise<string[]> {
    const history = this.#knexHistory;
    if (history === undefined || (mode === 'configured' && history.options.import !== true)) return [];
    return session.unit(async (_db, sql) => {
      const rows = await history.read(sql);
      if (rows === null) return [];
      const matched = history.match(rows, catalog);
      for (const { entry, batch } of matched) await this.#ledger.insert(sql, { name: entry.name, batch, checksum: entry.checksum, origin: 'imported' });
      return matched.map(({ entry }) => entry.name);
    }, true);
  }

  #ensureAndRead(session: LockSession): Promise<LedgerRow[]> {
    return session.unit(async (db, sql) => {
      await this.#ledger.ensure(db, sql);
      return this.#ledger.read(sql);
    }, false);
  }

  #pending(rows: readonly LedgerEntry[], catalog: ScriptList): ScriptEntry[] {
    const done = new Set(rows.map((row) => row.name));
    return catalog.files.filter((file) => !done.has(file.name));
  }

  async #script(file: ScriptEntry): Promise<Script> {
    const { appName, disableTransactions } = this.#options;
    const exports = await this.#source.load(file);
    return readScript(exports, this.#kind, { appName, file: file.name, path: file.path ?? file.name }, disableTransactions === true);
  }

  async #undoPlan(row: Pick<LedgerRow, 'name'>, catalog: ScriptList): Promise<UndoPlan> {
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

  #upTo(pending: ScriptEntry[], to: string | undefined): ScriptEntry[] {
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

const nextBatch = (rows: readonly LedgerEntry[]): number => rows.reduce((max, row) => Math.max(max, row.batch), 0) + 1;

function runResult(batch: number | null, applied: string[], drifted: DriftEntry[], imported: string[], started: number): RunResult {
  return Object.freeze({
    batch,
    applied: Object.freeze(applied),
    drifted: Object.freeze(drifted),
    imported: Object.freeze(imported),
    durationMs: performance.now() - started,
  });
}
