import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PluginInterface,
  type PluginContext,
  type AppHandle,
  type FailedOperation,
  type HookContext,
  type RollbackContext,
} from '../../src/index.js';
import { backupFileName, type BackupExtension } from './backup-file-name.js';
import {
  BACKUP_CONFIG_SCHEMA,
  BACKUP_DEFAULTS,
  resolveBackupOptions,
  type BackupOptions,
  type ResolvedBackupOptions,
} from './backup-options.js';
import { BACKUP_EVENTS, type BackupOutcome } from './backup-outcome.js';
import { findExecutable } from './find-executable.js';
import { backupPostgres } from './pg-backup.js';
import { pruneBackups } from './prune-backups.js';
import { backupSqlite } from './sqlite-backup.js';

export { BACKUP_CONFIG_SCHEMA, BACKUP_DEFAULTS, PG_DUMP_FORMATS, type BackupOptions, type PgDumpFormat } from './backup-options.js';
export { BACKUP_EVENTS, type BackupOutcome } from './backup-outcome.js';

/** What `getStatus()` reports. */
export interface BackupStatus {
  readonly directory: string | null;
  readonly keep: number | null;
  /** The pg_dump found at initialize, or null (PostgreSQL backups are then skipped). */
  readonly pgDump: string | null;
  readonly created: number;
  readonly failed: number;
  readonly skipped: number;
  readonly inFlight: number;
  /** The most recent outcome of each kind. */
  readonly last: { readonly created: BackupOutcome | null; readonly failed: BackupOutcome | null; readonly skipped: BackupOutcome | null };
}

/**
 * Backs an app's database up before a rollback (an unregistration's, or `rollbackMigrations()` /
 * `rollbackSeeds()` called by hand) and when an operation on it fails: SQLite through better-sqlite3's online backup API, PostgreSQL through pg_dump, MariaDB not
 * at all (reported as skipped). Keeps the newest `keep` per app. Never throws into the registry:
 * every outcome goes to `getStatus()` and a `backup:created`/`backup:failed`/`backup:skipped` event.
 *
 * @example
 * ```ts
 * await registry.loadPlugin(BackupPlugin, { directory: './backups', keep: 3 });
 * registry.on('backup:failed', (outcome) => console.error(outcome));
 * ```
 */
export default class BackupPlugin extends PluginInterface<BackupOptions> {
  /** Validated (and defaulted) by knexus before `initialize`; a bad option is a coded error naming its path. */
  static readonly configSchema = BACKUP_CONFIG_SCHEMA;
  #options: ResolvedBackupOptions | undefined;
  #registry: PluginContext | undefined;
  #pgDump: string | null = null;
  /** Open connections by app, so a failure during registration (before the app is ready) can still be backed up. */
  readonly #connections = new Map<string, AppHandle>();
  /** Each app's backups run one at a time. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #counts = { created: 0, failed: 0, skipped: 0 };
  readonly #last: { created: BackupOutcome | null; failed: BackupOutcome | null; skipped: BackupOutcome | null } = {
    created: null,
    failed: null,
    skipped: null,
  };
  #sequence = 0;

  /** The config arrives validated against `configSchema`, defaults filled; `initialize` applies it. */
  constructor() {
    super('backup', '1.0.0');
  }

  /** The hooks that back up get `backupTimeout` (default 10 min) rather than the manager's 5 s `hookTimeout`. */
  get hookTimeouts(): { onAppRollbackStarted: number; onOperationFailed: number } {
    const ms = this.#options?.backupTimeout ?? BACKUP_DEFAULTS.backupTimeout;
    return { onAppRollbackStarted: ms, onOperationFailed: ms };
  }

  /** Creates the backup folder and looks for pg_dump. */
  async initialize(registry: PluginContext, config: BackupOptions): Promise<void> {
    const baseDir = registry.baseDir;
    const options = resolveBackupOptions(config, baseDir);
    this.#options = options;
    this.#registry = registry;
    await mkdir(options.directory, { recursive: true });
    this.#pgDump = await findExecutable(options.pgDump, baseDir);
  }

  /** Waits for the backups in progress. */
  override async shutdown(): Promise<void> {
    await Promise.allSettled([...this.#chains.values()]);
  }

  /** Counts, the most recent outcome of each kind, and whether pg_dump is available. */
  override getStatus(): BackupStatus {
    return {
      directory: this.#options?.directory ?? null,
      keep: this.#options?.keep ?? null,
      pgDump: this.#pgDump,
      ...this.#counts,
      inFlight: this.#chains.size,
      last: { ...this.#last },
    };
  }

  /** Backs a ready app up now; resolves with the outcome (never rejects). */
  backup(appName: string, signal: AbortSignal = new AbortController().signal): Promise<BackupOutcome> {
    const connection = this.#connectionOf(appName);
    if (connection === undefined)
      return Promise.resolve(
        this.#report({ status: 'failed', appName, reason: 'manual', error: `App '${appName}' is not registered`, durationMs: 0 }),
      );
    return this.#enqueue(appName, connection, 'manual', signal);
  }

  override onConnectionCreated(appName: string, connection: AppHandle): void {
    this.#connections.set(appName, connection);
  }

  override onAppRegistered(appName: string, connection: AppHandle): void {
    this.#connections.set(appName, connection);
  }

  /** Runs for every rollback, whatever its `trigger` (`unregistration` or `manual`); the rollback waits for it, within `backupTimeout`. */
  override async onAppRollbackStarted(
    appName: string,
    connection: AppHandle,
    _options: RollbackContext,
    context: HookContext,
  ): Promise<void> {
    if (this.#options?.beforeRollback) await this.#enqueue(appName, connection, 'before-rollback', context.signal);
  }

  override async onOperationFailed(
    appName: string,
    operation: FailedOperation,
    _error: Error,
    context: Readonly<Record<string, unknown>>,
    hookContext: HookContext,
  ): Promise<void> {
    try {
      if (!this.#options?.onFailure.includes(operation)) return;
      const connection = this.#connectionOf(appName);
      if (connection !== undefined) await this.#enqueue(appName, connection, `failed-${operation}`, hookContext.signal);
      else
        this.#report({ status: 'failed', appName, reason: `failed-${operation}`, error: 'the app has no open connection', durationMs: 0 });
    } finally {
      // A failed registration never reaches onAppUnregistered.
      if (context['during'] === 'registration') this.#connections.delete(appName);
    }
  }

  override onConnectionShutdown(_appName: string, connection: AppHandle): void {
    for (const [name, open] of this.#connections) if (open.knex === connection.knex) this.#connections.delete(name);
  }

  override onAppUnregistered(appName: string): void {
    this.#connections.delete(appName);
  }

  #connectionOf(appName: string): AppHandle | undefined {
    const tracked = this.#connections.get(appName);
    if (tracked !== undefined) return tracked;
    return this.#registry?.hasApp(appName) ? this.#registry.getApp(appName) : undefined;
  }

  #enqueue(appName: string, connection: AppHandle, reason: string, signal: AbortSignal): Promise<BackupOutcome> {
    const previous = this.#chains.get(appName) ?? Promise.resolve();
    const run = previous.then(() => this.#run(appName, connection, reason, signal));
    const tail = run.then(() => undefined);
    this.#chains.set(appName, tail);
    void tail.then(() => {
      if (this.#chains.get(appName) === tail) this.#chains.delete(appName);
    });
    return run;
  }

  async #run(appName: string, connection: AppHandle, reason: string, signal: AbortSignal): Promise<BackupOutcome> {
    const options = this.#options!;
    const started = performance.now();
    const { target } = connection;
    let extension: BackupExtension;
    let write: (file: string) => Promise<void>;
    if (target.client === 'better-sqlite3') {
      extension = 'sqlite';
      write = (file) => backupSqlite(connection.knex, file, signal);
    } else if (target.client === 'pg') {
      const executable = this.#pgDump;
      if (executable === null) {
        const why = `pg_dump was not found (looked for '${options.pgDump}' on PATH); install the PostgreSQL client tools or set 'pgDump'`;
        return this.#report({ status: 'skipped', appName, reason, client: target.client, why });
      }
      extension = options.pgFormat === 'custom' ? 'dump' : 'sql';
      write = (file) => backupPostgres(connection.knex, { executable, format: options.pgFormat, target, file, signal });
    } else {
      const why = 'backups of MariaDB/MySQL databases are not supported; use mariadb-dump';
      return this.#report({ status: 'skipped', appName, reason, client: target.client, why });
    }
    try {
      const folder = join(options.directory, appName);
      await mkdir(folder, { recursive: true });
      const file = join(folder, backupFileName(appName, reason, extension, new Date(), this.#sequence++));
      const partial = `${file}.partial`;
      try {
        await write(partial);
        await rename(partial, file);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      const { size } = await stat(file);
      const deleted = await pruneBackups(folder, appName, options.keep);
      return this.#report({ status: 'created', appName, reason, file, bytes: size, durationMs: performance.now() - started, deleted });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.#report({ status: 'failed', appName, reason, error: message, durationMs: performance.now() - started });
    }
  }

  #report(outcome: BackupOutcome): BackupOutcome {
    this.#counts[outcome.status]++;
    this.#last[outcome.status] = outcome;
    try {
      this.#registry?.emit(BACKUP_EVENTS[outcome.status], outcome);
    } catch {
      // A throwing listener must not turn a backup outcome into a registry failure.
    }
    return outcome;
  }
}
