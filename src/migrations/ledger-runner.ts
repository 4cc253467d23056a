import type { Knex } from 'knex';
import { KnexusError } from '../errors.js';
import { type AppLock, type LockSession, lockTimeoutError } from './locks/app-lock.js';
import { type RepairResolution, type RepairResult, dirtyError, isDirty, stateHint } from './dirty-state.js';
import { type GuardedSteps, runGuardedUnit } from './guarded-unit.js';
import { driftError, fileFailure } from './runner-errors.js';
import { createAppLock } from './locks/create-app-lock.js';
import { createScriptSource } from './scripts/create-script-source.js';
import { findDrift } from './find-drift.js';
import { findOtherAppHistory } from './knex/other-app-history.js';
import { type KnexMode, type LedgerPrecheck, importKnexHistory, precheckLedger } from './knex/knex-import.js';
import { dialectOf } from '../dialects/dialect-of.js';
import { KnexHistory } from './knex/knex-history.js';
import { KnexLedgerMirror } from './knex/knex-ledger-mirror.js';
import { Ledger, type LedgerRow } from './ledger.js';
import type { LedgerKind } from './ledger-kind.js';
import type { LedgerEntry, LedgerStatus, RollbackResult, RunResult } from './ledger-types.js';
import { nextBatch, pendingFiles, pendingUpTo } from './pending-files.js';
import { withReadExecutor } from './read-executor.js';
import { type RollbackSelection, selectRollback } from './rollback-selection.js';
import { runResult } from './run-result.js';
import type { RunnerOptions } from './runner-options.js';
import { type Script, readScript } from './scripts/read-script.js';
import type { ScriptEntry, ScriptList, ScriptSource } from './scripts/script-source.js';
import { stopOf } from './locks/session-lock.js';
import type { SqlExecutor } from './sql-executor.js';
import { type UndoPlan, undoPlan } from './undo-plan.js';

const entryOf = ({ name, batch, appliedAt, checksum, origin }: LedgerEntry): LedgerEntry =>
  Object.freeze({ name, batch, appliedAt, checksum, origin });

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
  readonly #mirror: KnexLedgerMirror | undefined;

  constructor(knex: Knex, options: RunnerOptions, kind: LedgerKind) {
    this.#knex = knex;
    this.#options = Object.freeze({ ...options, directories: Object.freeze([...options.directories]) });
    this.#kind = kind;
    const { appName, client, schema } = this.#options;
    this.#ledger = new Ledger(knex, { ...this.#options, option: `${kind.section}.tableName` });
    this.#lock = createAppLock(knex, { ...this.#options, section: kind.section });
    this.#source = createScriptSource(this.#options, { appName, section: kind.section });
    this.#knexHistory =
      options.knexHistory === undefined ? undefined : new KnexHistory(knex, options.knexHistory, { client, schema, appName });
    this.#mirror =
      options.knexHistory?.mode === 'mirror' && this.#knexHistory !== undefined
        ? new KnexLedgerMirror({ tableName: options.knexHistory.tableName, schema: this.#knexHistory.schema })
        : undefined;
  }

  /** Applies the pending files (up to and including `to`) as one new batch, importing knex's history first when configured. */
  async apply(to: string | undefined, mode: KnexMode = 'configured'): Promise<RunResult> {
    const started = performance.now();
    const catalog = await this.#source.list();
    // Read-only checks first: a taken table name or an undecided knex history must stop us before the
    // ledger table is created. SQLite's lock is itself a write, so there they run before it; a session
    // lock (PostgreSQL, MySQL) writes nothing, so they run under it, on its connection, and the rows they
    // read are the rows the run goes on from (three round trips fewer per app, no second pooled connection).
    const precheck = (sql: SqlExecutor) =>
      precheckLedger(sql, this.#ledger, this.#knexHistory, catalog, mode, this.#options.appName, this.#kind);
    const early = dialectOf(this.#options.client).fileDatabase ? await this.#read(precheck) : undefined;
    return this.#lock.hold(async (session) => {
      let rows = await this.#ensureAndRead(session, early ?? precheck);
      this.#assertClean(rows);
      const imported = rows.length === 0 ? await importKnexHistory(session, this.#ledger, this.#knexHistory, catalog, mode) : [];
      if (imported.length > 0) rows = await session.unit((_db, sql) => this.#ledger.read(sql), false);
      if (mode === 'import-only') return runResult(null, [], [], imported, started);
      const mirror = this.#mirror;
      if (mirror !== undefined) await session.unit((db) => mirror.sync(db, rows), true);
      const drifted = findDrift(rows, catalog);
      if (drifted.length > 0 && this.#options.drift === 'error') throw driftError(this.#options.appName, this.#kind, drifted);
      const pending = pendingUpTo(pendingFiles(rows, catalog), to, this.#options.appName, this.#kind.noun);
      if (pending.length === 0) return runResult(null, [], drifted, imported, started);
      // Import every file first, so a broken one stops the batch before anything is applied.
      const scripts = await Promise.all(pending.map((file) => this.#script(file)));
      const batch = nextBatch(rows);
      const applied: string[] = [];
      for (const [index, file] of pending.entries()) {
        const script = scripts[index] as Script;
        const entry = { name: file.name, batch, checksum: file.checksum };
        await this.#guarded(
          session,
          file.name,
          'up',
          script.transactional,
          { batch, applied: [...applied] },
          {
            // Recorded as started (negative batch) first, in its own statement, so a failure or a crash leaves it dirty.
            start: (sql) => this.#ledger.insert(sql, { ...entry, batch: -batch }),
            work: async (db, sql, risky) => {
              await script.apply(db, this.#options.context);
              await (risky ? this.#ledger.setBatch(sql, file.name, batch) : this.#ledger.insert(sql, entry));
              await mirror?.record(db, file.name, batch);
            },
            clear: (sql) => this.#ledger.remove(sql, file.name),
          },
        );
        applied.push(file.name);
      }
      return runResult(batch, applied, drifted, imported, started);
    });
  }

  /** Records every pending file up to and including `to` as applied (origin `baseline`) without running it, as one batch. */
  async baseline(to: string): Promise<RunResult> {
    const started = performance.now();
    const catalog = await this.#source.list();
    await this.#read((sql) => this.#ledger.inspect(sql));
    return this.#lock.hold(async (session) => {
      const rows = await this.#ensureAndRead(session);
      this.#assertClean(rows);
      const marked = pendingUpTo(pendingFiles(rows, catalog), to, this.#options.appName, this.#kind.noun);
      const batch = nextBatch(rows);
      const mirror = this.#mirror;
      if (mirror !== undefined && marked.length > 0) await session.unit((db) => mirror.ensure(db), true);
      await session.unit(async (db, sql) => {
        for (const file of marked) {
          await this.#ledger.insert(sql, { name: file.name, batch, checksum: file.checksum, origin: 'baseline' });
          await mirror?.record(db, file.name, batch);
        }
      }, true);
      return runResult(
        batch,
        marked.map((file) => file.name),
        [],
        [],
        started,
      );
    });
  }

  /** Undoes applied files newest first, each in its own transaction with the removal of its ledger row. */
  async rollback(selection: RollbackSelection, stepOption: string): Promise<RollbackResult> {
    const started = performance.now();
    const catalog = await this.#source.list();
    await this.#read((sql) => this.#ledger.inspect(sql));
    return this.#lock.hold(async (session) => {
      const rows = await session.unit((_db, sql) => this.#ledger.readIfExists(sql), false);
      this.#assertClean(rows);
      const targets = selectRollback(rows, selection, { appName: this.#options.appName, stepOption });
      const mirror = this.#mirror;
      if (mirror !== undefined && targets.length > 0) await session.unit((db) => mirror.ensure(db), true);
      // Resolve every undo first, so a missing file or export stops the rollback before it starts.
      const plans = await Promise.all(targets.map((row) => this.#undoPlan(row.name, catalog)));
      const rolledBack: string[] = [];
      const irreversible: string[] = [];
      for (const plan of plans) {
        const batch = rows.find((row) => row.name === plan.name)?.batch ?? 0;
        await this.#guarded(
          session,
          plan.name,
          'down',
          plan.transactional || plan.undo === undefined,
          {
            rolledBack: [...rolledBack],
            irreversible: [...irreversible],
          },
          {
            // A half-done undo is as uncertain as a half-done apply: the row is marked started until it finishes.
            start: (sql) => this.#ledger.setBatch(sql, plan.name, -batch),
            work: async (db, sql) => {
              if (plan.undo !== undefined) await plan.undo(db, this.#options.context);
              await this.#ledger.remove(sql, plan.name);
              await mirror?.forget(db, plan.name);
            },
            clear: (sql) => this.#ledger.setBatch(sql, plan.name, batch),
          },
        );
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
          `App '${appName}' has no dirty ${this.#kind.noun} named ${file}` +
            (dirty.length > 0 ? `; dirty: ${dirty.join(', ')}` : '; its ledger is clean'),
          { appName, file, details: { dirty } },
        );
      }
      const batch = -row.batch;
      await session.unit(
        (_db, sql) => (resolution === 'applied' ? this.#ledger.setBatch(sql, file, batch) : this.#ledger.remove(sql, file)),
        false,
      );
      return Object.freeze({ file, resolution, batch: resolution === 'applied' ? batch : null });
    });
  }

  /** Applied, pending and drifted files; reads without locking and never creates the ledger. */
  async status(): Promise<LedgerStatus> {
    const catalog = await this.#source.list();
    const history = this.#knexHistory;
    const { rows, knexRows, otherApp } = await this.#read(async (sql) => {
      const exists = (await this.#ledger.inspect(sql)) !== 'missing';
      const rows = exists ? await this.#ledger.readIfExists(sql) : [];
      const knexRows = rows.length === 0 && history !== undefined && history.options.import !== false ? await history.read(sql) : null;
      const otherApp =
        this.#kind.section === 'migrations' && exists && rows.length === 0
          ? findOtherAppHistory(await this.#ledger.readOthers(sql), catalog)
          : undefined;
      return { rows, knexRows, otherApp };
    });
    const clean = rows.filter((row) => !isDirty(row));
    return Object.freeze({
      applied: Object.freeze(clean.map(entryOf)),
      pending: Object.freeze(pendingFiles(rows, catalog).map((file) => file.name)),
      drifted: Object.freeze(findDrift(clean, catalog)),
      dirty: Object.freeze(rows.filter(isDirty).map((row) => row.name)),
      ...(knexRows === null || history === undefined
        ? {}
        : { knexHistory: Object.freeze({ table: history.options.tableName, applied: Object.freeze(knexRows.map((row) => row.name)) }) }),
      ...(otherApp === undefined
        ? {}
        : { otherAppHistory: Object.freeze({ app: otherApp.app, applied: Object.freeze([...otherApp.applied]) }) }),
    });
  }

  /** Which of `applied` cannot be undone: their file is gone or exports no undo function. */
  async irreversible(applied: readonly LedgerEntry[]): Promise<string[]> {
    const catalog = await this.#source.list();
    const plans = await Promise.all(applied.map((entry) => this.#undoPlan(entry.name, catalog)));
    return plans.filter((plan) => plan.undo === undefined).map((plan) => plan.name);
  }

  /** Runs one file's unit under the dirty-state protocol (`runGuardedUnit`); a failure becomes the kind's coded error. */
  #guarded(
    session: LockSession,
    file: string,
    direction: 'up' | 'down',
    transactional: boolean,
    details: Record<string, unknown>,
    steps: GuardedSteps,
  ): Promise<void> {
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

  /**
   * Creates the ledger if needed, then reads it. A ledger found current by the checks is only read (the
   * table-creation step costs a transaction on PostgreSQL), or not even that when the checks read it
   * under this lock, unless it vanished meanwhile. `checked` is the checks' result, or the checks to run here.
   */
  #ensureAndRead(
    session: LockSession,
    checked: LedgerPrecheck | ((sql: SqlExecutor) => Promise<LedgerPrecheck>) = { shape: 'missing', rows: undefined },
  ): Promise<LedgerRow[]> {
    return session.unit(async (db, sql) => {
      const underLock = typeof checked === 'function';
      const { shape, rows } = underLock ? await checked(sql) : checked;
      if (shape === 'current') {
        if (underLock && rows !== undefined) return rows;
        try {
          return await this.#ledger.read(sql);
        } catch (error) {
          if (!this.#ledger.isMissing(error)) throw error;
        }
      }
      await this.#ledger.ensure(db, sql);
      return this.#ledger.read(sql);
    }, false);
  }

  async #script(file: ScriptEntry): Promise<Script> {
    const { appName, disableTransactions } = this.#options;
    const exports = await this.#source.load(file);
    return readScript(exports, this.#kind, { appName, file: file.name, path: file.path ?? file.name }, disableTransactions === true);
  }

  #undoPlan(name: string, catalog: ScriptList): Promise<UndoPlan> {
    return undoPlan(name, catalog, this.#kind, this.#options.appName, (file) => this.#script(file));
  }

  /** Runs knexus's read-only checks on a pooled connection, outside the lock. */
  #read<T>(read: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    const lockOptions = { ...this.#options, section: this.#kind.section };
    const wait = { ms: this.#options.lockTimeout, timeoutError: () => lockTimeoutError(lockOptions), stop: stopOf(lockOptions) };
    return withReadExecutor(this.#knex, this.#options.client, read, wait);
  }

  #failure(file: string, direction: 'up' | 'down', cause: unknown, details: Record<string, unknown>): KnexusError {
    return fileFailure(this.#kind, this.#options.appName, file, direction, cause, details);
  }
}
