import type { AppHandle } from '../connection/app-handle.js';
import type { AppConfig } from '../connection/app-config.js';
import type { AppRegistry } from '../registry/app-registry.js';
import type { AutoOperationsResult } from '../plugins/lifecycle-types.js';
import { KnexusError } from '../errors.js';
import type { ConfiguredApp } from '../config/validate-config.js';
import { findMissingDatabase } from './find-missing-database.js';
import { errorCode } from './format-error.js';
import type { TaskProgress } from './task-progress.js';

/** How registering one app went: ready, failed, or (read-only commands) not registered because its database does not exist yet. */
export type AppOutcome =
  | {
      readonly name: string;
      readonly ok: true;
      readonly connection: AppHandle;
      readonly result: AutoOperationsResult | undefined;
      readonly durationMs: number;
    }
  | { readonly name: string; readonly ok: false; readonly error: unknown; readonly durationMs: number }
  | { readonly name: string; readonly ok: false; readonly missing: string; readonly durationMs: number };

/** Options of `registerApps`. */
export interface RegisterAppsOptions {
  /** Register with migrations and seeds switched off, so nothing is applied (status, migrate, rollback…). */
  readonly readOnly: boolean;
  /** Register only apps whose database exists; the others become `missing` outcomes (nothing is created). Default false. */
  readonly existingOnly?: boolean;
  readonly progress: TaskProgress;
  /** Once aborted (Ctrl-C during start-up), the remaining apps are not registered. */
  readonly signal?: AbortSignal;
}

/**
 * Registers apps one after another in config order (an app sharing a connection needs its owner
 * ready first), reporting each on `progress`. A failed app does not stop the others; apps sharing
 * its connection are skipped with an error saying why.
 */
export async function registerApps(
  registry: AppRegistry,
  apps: readonly ConfiguredApp[],
  options: RegisterAppsOptions,
): Promise<AppOutcome[]> {
  const { progress } = options;
  const results = new Map<string, AutoOperationsResult>();
  const listeners = {
    'app-registered': (event: { appName: string; result: AutoOperationsResult }) => results.set(event.appName, event.result),
    'auto-migration-started': (event: { appName: string }) => progress.update(`${event.appName}: migrating`),
    'auto-seed-started': (event: { appName: string }) => progress.update(`${event.appName}: seeding`),
  };
  for (const [event, fn] of Object.entries(listeners)) registry.on(event, fn as (...args: unknown[]) => void);
  const outcomes: AppOutcome[] = [];
  try {
    for (const app of apps) {
      if (options.signal?.aborted) break;
      const started = performance.now();
      const owner = app.resolved.useConnection;
      const failedOwner = owner === undefined ? undefined : outcomes.find((o) => o.name === owner && !o.ok);
      if (failedOwner !== undefined && 'missing' in failedOwner) {
        outcomes.push({
          name: app.name,
          ok: false,
          missing: `shares the connection of '${owner}', whose database is missing`,
          durationMs: 0,
        });
        continue;
      }
      if (failedOwner !== undefined) {
        const error = new KnexusError(
          'KNEXUS_ERR_USE_CONNECTION',
          `App '${app.name}' was skipped: it shares the connection of '${owner}', which failed`,
          {
            appName: app.name,
            field: 'useConnection',
          },
        );
        progress.fail(`${app.name}: skipped (${owner} failed)`);
        outcomes.push({ name: app.name, ok: false, error, durationMs: 0 });
        continue;
      }
      progress.start(`${app.name}: connecting`);
      try {
        const shared = owner !== undefined && registry.hasApp(owner) ? registry.getApp(owner).knex : undefined;
        const missing = options.existingOnly ? await findMissingDatabase(app, undefined, shared) : undefined;
        if (missing !== undefined) {
          progress.succeed(`${app.name}: missing (${missing})`);
          outcomes.push({ name: app.name, ok: false, missing, durationMs: performance.now() - started });
          continue;
        }
        const connection = await registry.registerApp(app.name, options.readOnly ? readOnlyConfig(app.config) : app.config);
        const durationMs = performance.now() - started;
        const result = results.get(app.name);
        progress.succeed(`${app.name}: ready${describeResult(result)} ${formatMs(durationMs)}`);
        outcomes.push({ name: app.name, ok: true, connection, result, durationMs });
      } catch (error) {
        const durationMs = performance.now() - started;
        progress.fail(`${app.name}: ${errorCode(error)} ${formatMs(durationMs)}`);
        outcomes.push({ name: app.name, ok: false, error, durationMs });
      }
    }
  } finally {
    for (const [event, fn] of Object.entries(listeners)) registry.off(event, fn as (...args: unknown[]) => void);
  }
  return outcomes;
}

/** The app's config with auto-migrations and seeds off; directories stay, so status and explicit runs still work. */
export function readOnlyConfig(config: AppConfig): AppConfig {
  const copy: AppConfig = { ...config };
  if (config.migrations !== undefined) copy.migrations = { ...config.migrations, enabled: false };
  if (config.seeds !== undefined) copy.seeds = { ...config.seeds, enabled: false };
  return copy;
}

function describeResult(result: AutoOperationsResult | undefined): string {
  if (result === undefined) return '';
  const parts: string[] = [];
  if (result.migrations !== null) parts.push(`${result.migrations.applied.length} migration(s) applied`);
  if (result.seeds !== null) parts.push(`${result.seeds.applied.length} seed(s) run`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** A duration for people: `12ms`, `1.4s`. */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)}ms`;
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
