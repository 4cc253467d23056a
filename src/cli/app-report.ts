import type { AppHandle } from '../connection/app-handle.js';
import { describeTarget } from '../connection/connection-target.js';
import type { ConfiguredApp } from '../config/validate-config.js';
import { createScriptSource } from '../migrations/scripts/create-script-source.js';
import { hasScripts } from '../migrations/migrations-config.js';
import type { DriftEntry, LedgerEntry, LedgerStatus, RunResult } from '../migrations/ledger-types.js';
import type { AppRegistry } from '../registry/app-registry.js';
import type { ConnectionTarget } from '../connection/connection-target.js';
import type { HealthState, RegistryHealth } from '../health/health-report.js';
import { errorJson } from './format-error.js';
import type { AppOutcome } from './register-apps.js';

/** One ledger (migrations or seeds) of an app, compared with the files on disk. */
export interface LedgerReport {
  readonly applied: readonly LedgerEntry[];
  readonly pending: readonly string[];
  readonly drifted: readonly DriftEntry[];
  /** Files started but never finished: the app is dirty until `knexus repair`. */
  readonly dirty: readonly string[];
  /** Files this run applied (`up`), empty otherwise. */
  readonly appliedNow: readonly string[];
  /** The batch this run created, null when nothing was applied. */
  readonly batch: number | null;
  /** Migrations only: knex's ledger lists applied migrations this app has not imported yet. */
  readonly knexHistory?: LedgerStatus['knexHistory'];
  readonly otherAppHistory?: LedgerStatus['otherAppHistory'];
  /** Seeds only: applied seeds without an undo export (rolling them back only forgets them). */
  readonly irreversible?: readonly string[];
}

/** One app as `up` and `status` report it. Built from `getStatus()` and the ledgers, never from the raw config, so it holds no secret. */
export interface AppReport {
  readonly name: string;
  /**
   * `missing`: not registered because its database does not exist yet (status); every file is then pending.
   * `not-applied` (status): the database exists but holds none of the app's migrations or seeds, e.g. after `knexus down`.
   */
  readonly state: 'ready' | 'failed' | 'missing' | 'not-applied';
  /** What is missing (`file not found: data/blog.sqlite`, `schema not found: tenant`); only when `state` is `missing`. */
  readonly missing?: string;
  readonly connection: ConnectionTarget | undefined;
  readonly migrations: LedgerReport | null;
  readonly seeds: LedgerReport | null;
  readonly models: readonly string[];
  /** Rows per model's table, when asked for (`up`); a table that cannot be counted is left out. */
  readonly rows?: Readonly<Record<string, number>>;
  readonly health: { readonly status: HealthState; readonly latencyMs: number | null; readonly error?: string } | undefined;
  readonly durationMs: number;
  readonly error: Record<string, unknown> | undefined;
}

/** Options of `buildAppReports`. */
export interface AppReportOptions {
  /** Run a health check and include it. */
  readonly health: boolean;
  /** Count the rows of each bound model's table (`up`: what the app holds now). */
  readonly rows?: boolean;
  readonly verbose: boolean;
}

/** Reads every registered app's ledgers (read-only) and health, and describes failed apps by their error. */
export async function buildAppReports(
  registry: AppRegistry,
  apps: readonly ConfiguredApp[],
  outcomes: readonly AppOutcome[],
  options: AppReportOptions,
): Promise<AppReport[]> {
  const health: RegistryHealth | undefined = options.health && outcomes.some((o) => o.ok) ? await registry.healthCheck() : undefined;
  const status = registry.getStatus();
  const reports: AppReport[] = [];
  for (const outcome of outcomes) {
    const app = apps.find((a) => a.name === outcome.name);
    if (!outcome.ok && 'missing' in outcome) {
      reports.push(await missingReport(app, outcome.name, outcome.missing, outcome.durationMs, options.verbose));
      continue;
    }
    if (!outcome.ok) {
      reports.push({
        name: outcome.name,
        state: 'failed',
        connection: app === undefined ? undefined : unregisteredTarget(app),
        migrations: null,
        seeds: null,
        models: [],
        health: undefined,
        durationMs: outcome.durationMs,
        error: errorJson(outcome.error, options.verbose),
      });
      continue;
    }
    const { connection, result } = outcome;
    let error: Record<string, unknown> | undefined;
    const read = async (which: 'migrations' | 'seeds', run: RunResult | null | undefined): Promise<LedgerReport | null> => {
      if (app === undefined || !hasScripts(app.resolved[which])) return null;
      try {
        const ledger: LedgerStatus = which === 'migrations' ? await connection.migrationStatus() : await connection.seedStatus();
        const report: LedgerReport = {
          applied: ledger.applied,
          pending: ledger.pending,
          drifted: ledger.drifted,
          dirty: ledger.dirty,
          appliedNow: run?.applied ?? [],
          batch: run?.batch ?? null,
          ...(ledger.knexHistory === undefined ? {} : { knexHistory: ledger.knexHistory }),
          ...(ledger.otherAppHistory === undefined ? {} : { otherAppHistory: ledger.otherAppHistory }),
        };
        return 'irreversible' in ledger ? { ...report, irreversible: ledger.irreversible as readonly string[] } : report;
      } catch (thrown) {
        error ??= errorJson(thrown, options.verbose);
        return null;
      }
    };
    const appHealth = health?.apps[outcome.name];
    reports.push({
      name: outcome.name,
      state: 'ready',
      connection: status.apps[outcome.name]?.target ?? connection.target,
      migrations: await read('migrations', result?.migrations),
      seeds: await read('seeds', result?.seeds),
      models: status.apps[outcome.name]?.models ?? connection.modelNames,
      ...(options.rows ? { rows: await countRows(connection) } : {}),
      health:
        appHealth === undefined
          ? undefined
          : {
              status: appHealth.status,
              latencyMs: appHealth.latencyMs,
              ...(appHealth.error === undefined ? {} : { error: appHealth.error }),
            },
      durationMs: outcome.durationMs,
      error,
    });
  }
  return reports;
}

/**
 * `report` as `status` shows it: a registered app whose ledgers hold nothing while files wait is `not-applied`,
 * since 'ready' would read as "migrated" (after `knexus down` the database holds none of it).
 */
export function withLedgerState(report: AppReport): AppReport {
  if (report.state !== 'ready') return report;
  const ledgers = [report.migrations, report.seeds].filter((ledger): ledger is LedgerReport => ledger !== null);
  const nothingApplied =
    ledgers.length > 0 && ledgers.every((ledger) => ledger.applied.length === 0) && ledgers.some((ledger) => ledger.pending.length > 0);
  return nothingApplied ? { ...report, state: 'not-applied' } : report;
}

/** An app whose database does not exist yet: nothing is applied, so every file on disk is pending. */
async function missingReport(
  app: ConfiguredApp | undefined,
  name: string,
  missing: string,
  durationMs: number,
  verbose: boolean,
): Promise<AppReport> {
  let error: Record<string, unknown> | undefined;
  const read = async (which: 'migrations' | 'seeds'): Promise<LedgerReport | null> => {
    if (app === undefined || !hasScripts(app.resolved[which])) return null;
    try {
      const catalog = await createScriptSource(app.resolved[which], { appName: name, section: which }).list();
      const report: LedgerReport = {
        applied: [],
        pending: catalog.files.map((file) => file.name),
        drifted: [],
        dirty: [],
        appliedNow: [],
        batch: null,
      };
      return which === 'seeds' ? { ...report, irreversible: [] } : report;
    } catch (thrown) {
      error ??= errorJson(thrown, verbose);
      return null;
    }
  };
  const migrations = await read('migrations');
  const seeds = await read('seeds');
  return {
    name,
    state: 'missing',
    missing,
    connection: app === undefined ? undefined : unregisteredTarget(app),
    migrations,
    seeds,
    models: [],
    health: undefined,
    durationMs,
    error,
  };
}

/** A failed or missing app is not in `getStatus()`; its target is derived the same secret-free way the registry derives it. */
function unregisteredTarget(app: ConfiguredApp): ConnectionTarget | undefined {
  const db = app.resolved.database;
  return db === undefined ? undefined : describeTarget(db.client, db.connection, app.resolved.schema);
}

/** Rows of each bound model's table; a model whose table cannot be counted (not created yet) is left out. */
async function countRows(connection: AppHandle): Promise<Readonly<Record<string, number>>> {
  const rows: Record<string, number> = {};
  for (const name of connection.modelNames) {
    try {
      rows[name] = await connection.getModel(name).query().resultSize();
    } catch {
      // Nothing to show for it.
    }
  }
  return rows;
}
