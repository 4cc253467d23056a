import { fileURLToPath } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import {
  PluginInterface,
  type AppConfigView,
  type PluginContext,
  type AutoOperationsResult,
  type AppHandle,
  type FailedOperation,
  type RollbackContext,
  type RollbackSummary,
  type UnregisterOptions,
} from '../../src/index.js';
import {
  AUDIT_LOG_CONFIG_SCHEMA,
  AUDIT_LOG_DEFAULTS,
  resolveAuditLogOptions,
  type AuditLogOptions,
  type ResolvedAuditLogOptions,
} from './audit-log-options.js';
import { auditRecord, jsonSafe, runRecord, type AuditRecord } from './audit-record.js';
import { AuditBuffer } from './audit-buffer.js';
import type { AuditSink } from './audit-sink.js';
import { FileAuditSink } from './file-audit-sink.js';
import { InFlightOperations } from './in-flight-operations.js';
import { up as createAuditTable } from './migrations/001_audit_log.mjs';
import { TableAuditSink } from './table-audit-sink.js';

export { AUDIT_LOG_CONFIG_SCHEMA, AUDIT_LOG_DEFAULTS, type AuditLogOptions } from './audit-log-options.js';
export { AUDIT_OUTCOMES, type AuditOutcome, type AuditRecord } from './audit-record.js';

/** The folder of the plugin's own migrations (the audit table). */
const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

/** What `getStatus()` reports. */
export interface AuditLogStatus {
  readonly destination: string;
  readonly written: number;
  /** Records waiting for the destination (e.g. its app is not registered yet). */
  readonly pending: number;
  /** Records dropped because more than `bufferSize` were waiting. */
  readonly dropped: number;
  /** Writes that threw. */
  readonly failedWrites: number;
  readonly lastError: string | null;
}

/**
 * Records every registration, migration run, seed run, rollback, unregistration and failure (app,
 * operation, outcome, duration, time; never a secret) to a table or a JSON-lines file — those the
 * registry runs and those run by hand (`conn.runMigrations()`, `conn.rollbackSeeds()`, …).
 *
 * @example
 * ```ts
 * const registry = new AppRegistry({
 *   plugins: { 'audit-log': { module: './plugins/audit-log/index.ts', config: { file: './data/audit.jsonl' } } },
 * });
 * ```
 */
export default class AuditLogPlugin extends PluginInterface<AuditLogOptions> {
  /** Validated (and defaulted) by knexus before `initialize`; a bad option is a coded error naming its path. */
  static readonly configSchema = AUDIT_LOG_CONFIG_SCHEMA;
  #options: ResolvedAuditLogOptions | undefined;
  #registry: PluginContext | undefined;
  #buffer: AuditBuffer | undefined;
  /** The `app` destination's connection from its creation to its shutdown (usable while it registers or unregisters). */
  #auditConnection: AppHandle | undefined;
  /** Registrations, unregistrations and manual runs in progress, keyed `<operation>:<app>`. */
  readonly #started = new InFlightOperations();
  /** Rollbacks in progress by app, with why they run. */
  readonly #rollbacks = new InFlightOperations<RollbackContext>();

  /** The config arrives validated against `configSchema`, defaults filled; `initialize` applies it. */
  constructor() {
    super('audit-log', '1.0.0');
  }

  /** Checks what the schema cannot (exactly one destination); throws a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the field. */
  override validateConfiguration(config: AuditLogOptions): void {
    resolveAuditLogOptions(config, process.cwd());
  }

  /** The table written in `app`/`database` mode (its migration reads it). */
  get table(): string {
    return this.#options?.table ?? AUDIT_LOG_DEFAULTS.table;
  }

  /**
   * In `app` mode, the table is a plugin-owned migration: knexus runs it in the destination app's
   * database (ledger namespace `plugin:audit-log`) and rolls it back on `unloadPlugin(…, { purgeData: true })`.
   */
  get migrations(): { directory: string; apps: string[] } | undefined {
    const destination = this.#options?.destination;
    return destination?.kind === 'app' ? { directory: MIGRATIONS, apps: [destination.app] } : undefined;
  }

  /** Opens the destination: the file, the plugin's own database (creating the table), or nothing yet for an app. */
  async initialize(registry: PluginContext, config: AuditLogOptions): Promise<void> {
    this.#registry = registry;
    const options = resolveAuditLogOptions(config, registry.baseDir);
    this.#options = options;
    const { destination } = options;
    let sink: AuditSink;
    if (destination.kind === 'file') {
      const file = new FileAuditSink(destination.file);
      await file.open();
      sink = file;
    } else if (destination.kind === 'database') {
      const knex = knexFactory({ ...destination.database });
      const table = new TableAuditSink(
        options.table,
        () => knex,
        () => knex.destroy(),
        (db) => createAuditTable(db, { plugin: this }),
      );
      try {
        await table.prepare();
      } catch (error) {
        await knex.destroy();
        throw error;
      }
      sink = table;
    } else {
      sink = new TableAuditSink(options.table, () => this.#appKnex(destination.app));
    }
    this.#buffer = new AuditBuffer(sink, options.bufferSize);
    this.#recordManualRuns(registry);
  }

  /** Writes what is still pending if it can, then closes the destination. */
  override async shutdown(): Promise<void> {
    await this.#buffer?.close();
  }

  /** Counts of written, pending and dropped records, and the last write error. */
  override getStatus(): AuditLogStatus {
    const destination = this.#options?.destination;
    return {
      destination:
        destination === undefined
          ? 'none'
          : destination.kind === 'file'
            ? `file:${destination.file}`
            : destination.kind === 'app'
              ? `app:${destination.app}`
              : `database:${String(destination.database.client)}`,
      ...(this.#buffer?.counts ?? { written: 0, pending: 0, dropped: 0, failedWrites: 0, lastError: null }),
    };
  }

  override onAppRegistrationStarted(appName: string): void {
    this.#started.start(`registration:${appName}`, null);
  }

  override onConnectionCreated(appName: string, connection: AppHandle): void {
    if (this.#isDestination(appName)) this.#auditConnection = connection;
  }

  override async onAutoOperationsCompleted(appName: string, result: AutoOperationsResult): Promise<void> {
    const records: AuditRecord[] = [];
    for (const operation of ['migrations', 'seeds'] as const) {
      const run = result[operation];
      if (run !== null) records.push(runRecord(appName, operation, 'registration', run));
    }
    await this.#append(...records);
  }

  override async onAppRegistered(appName: string, connection: AppHandle, config: AppConfigView): Promise<void> {
    if (this.#isDestination(appName)) this.#auditConnection = connection;
    const details = { target: config.target, useConnection: config.useConnection ?? null, models: config.models };
    await this.#append(auditRecord(appName, 'registration', 'succeeded', this.#elapsed('registration', appName), null, details));
  }

  override onAppUnregistrationStarted(appName: string): void {
    this.#started.start(`unregistration:${appName}`, null);
  }

  override onAppRollbackStarted(appName: string, _connection: AppHandle, options: RollbackContext): void {
    this.#rollbacks.start(appName, options);
  }

  override async onAppRollbackCompleted(appName: string, result: RollbackSummary): Promise<void> {
    // `trigger` is null only when the plugin loaded while this rollback was already running.
    const why = this.#rollbacks.finish(appName)?.value ?? { trigger: null };
    const details = {
      ...why,
      migrations: result.migrations?.rolledBack ?? [],
      seeds: result.seeds?.rolledBack ?? [],
      irreversibleSeeds: result.seeds?.irreversible ?? [],
    };
    await this.#append(auditRecord(appName, 'rollback', 'succeeded', result.durationMs, null, details));
  }

  override onConnectionShutdown(_appName: string, connection: AppHandle): void {
    if (this.#auditConnection?.knex === connection.knex) this.#auditConnection = undefined;
  }

  override async onAppUnregistered(appName: string, options: UnregisterOptions): Promise<void> {
    const details = { options: { ...options } };
    await this.#append(auditRecord(appName, 'unregistration', 'succeeded', this.#elapsed('unregistration', appName), null, details));
  }

  override async onOperationFailed(
    appName: string,
    operation: FailedOperation,
    error: Error,
    context: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    const during = context['during'];
    const manualRun = context['trigger'] === 'manual' && (operation === 'migrations' || operation === 'seeds');
    // A failed rollback never reaches onAppRollbackCompleted, and a failed manual run never completes.
    const inFlight =
      operation === 'rollback' ? this.#rollbacks.finish(appName) : manualRun ? this.#started.finish(`${operation}:${appName}`) : undefined;
    const durationMs =
      during === 'registration' || during === 'unregistration' ? this.#elapsed(during, appName) : (inFlight?.elapsedMs ?? null);
    const code = (error as { code?: unknown }).code;
    const failure = { code: typeof code === 'string' ? code : null, message: error.message };
    try {
      await this.#append(auditRecord(appName, operation, 'failed', durationMs, failure, jsonSafe(context)));
    } finally {
      // A failed registration of the destination app leaves nothing to write to.
      if (during === 'registration' && this.#isDestination(appName)) this.#auditConnection = undefined;
    }
  }

  /**
   * Manual `runMigrations()`/`runSeeds()` and `repair()` have no hook, only registry events; listening through the
   * scoped context means `unloadPlugin` removes these listeners.
   */
  #recordManualRuns(registry: PluginContext): void {
    // A repair is a human decision about a half-applied file: exactly what an audit trail is for.
    registry.on('ledger-repaired', ({ appName, section, file, resolution, batch }) => {
      this.#append(auditRecord(appName, 'repair', 'succeeded', null, null, { section, file, resolution, batch })).catch(() => undefined);
    });
    for (const operation of ['migrations', 'seeds'] as const) {
      registry.on(`${operation}-started`, ({ appName }) => this.#started.start(`${operation}:${appName}`, null));
      registry.on(`${operation}-completed`, ({ appName, result }) => {
        this.#started.finish(`${operation}:${appName}`);
        // A write that throws is counted in getStatus() and its records are retried with the next write.
        this.#append(runRecord(appName, operation, 'manual', result)).catch(() => undefined);
      });
    }
  }

  #isDestination(appName: string): boolean {
    const destination = this.#options?.destination;
    return destination?.kind === 'app' && destination.app === appName;
  }

  #appKnex(app: string): Knex | undefined {
    if (this.#auditConnection !== undefined) return this.#auditConnection.knex;
    const registry = this.#registry;
    return registry?.hasApp(app) ? registry.getApp(app).knex : undefined;
  }

  #elapsed(phase: 'registration' | 'unregistration', appName: string): number | null {
    return this.#started.finish(`${phase}:${appName}`)?.elapsedMs ?? null;
  }

  #append(...records: AuditRecord[]): Promise<void> {
    return this.#buffer?.append(...records) ?? Promise.resolve();
  }
}
