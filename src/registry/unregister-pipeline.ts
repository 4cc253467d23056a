import { KnexusError, toError } from '../errors.js';
import { hasScripts } from './app-config.js';
import type { RollbackResult } from '../migrations/ledger-types.js';
import type { AppEntry } from './app-entry.js';
import { releaseConnection } from './register-pipeline.js';
import type { RegistryContext } from './registry-context.js';
import type { FailedOperation, RollbackContext, RollbackSummary, UnregisterOptions } from './registry-types.js';

/**
 * Unregisters one app as ordered steps: onAppUnregistrationStarted → rollback (seeds, then
 * migrations, newest first; with onAppRollbackStarted/Completed) → release the connection
 * (onConnectionShutdown when the pool really closes) → gone → onAppUnregistered.
 * A rollback error stops here: the app stays registered and the error is rethrown.
 */
export async function runUnregistration(ctx: RegistryContext, entry: AppEntry, options: UnregisterOptions): Promise<RollbackSummary | null> {
  const started = performance.now();
  const { name } = entry;
  const connection = entry.connection!;
  let step: FailedOperation = 'unregistration';
  try {
    await ctx.hooks.dispatch('onAppUnregistrationStarted', name, options);

    let summary: RollbackSummary | null = null;
    if (!options.skipRollback && hasSomethingToUndo(entry, options)) {
      step = 'rollback';
      const context: RollbackContext = Object.freeze({ ...options, trigger: 'unregistration' as const });
      ctx.emit('app-rollback-started', { appName: name, options: context });
      await ctx.hooks.dispatch('onAppRollbackStarted', name, connection, context);
      summary = await rollback(entry, options);
      ctx.emit('app-rollback-completed', { appName: name, result: summary });
      await ctx.hooks.dispatch('onAppRollbackCompleted', name, summary);
    }

    step = 'unregistration';
    await releaseConnection(ctx, entry);
    entry.state = 'gone';
    ctx.apps.delete(name);
    ctx.emit('app-unregistered', { appName: name, options, rollback: summary, durationMs: performance.now() - started });
    await ctx.hooks.dispatch('onAppUnregistered', name, options);
    return summary;
  } catch (thrown) {
    const error = connection.scrub(toError(thrown));
    // Nothing was released yet when a rollback fails: the app stays usable, so the caller can fix and retry.
    if (entry.state === 'unregistering') entry.state = 'ready';
    await ctx.fail(name, step, error, { during: 'unregistration', options });
    throw error;
  }
}

function hasSomethingToUndo(entry: AppEntry, options: UnregisterOptions): boolean {
  if (options.rollback === 'all') {
    return hasScripts(entry.config.migrations) || hasScripts(entry.config.seeds);
  }
  return entry.migrationBatch !== null || entry.seedBatch !== null;
}

async function rollback(entry: AppEntry, options: UnregisterOptions): Promise<RollbackSummary> {
  const started = performance.now();
  const connection = entry.connection!;
  const all = options.rollback === 'all';
  let seeds: RollbackResult | null = null;
  let migrations: RollbackResult | null = null;
  if (hasScripts(entry.config.seeds) && (all || entry.seedBatch !== null)) {
    seeds = await connection.seedRunner.rollback(all ? { all: true } : { batch: entry.seedBatch! });
    entry.seedBatch = null;
  }
  if (hasScripts(entry.config.migrations) && (all || entry.migrationBatch !== null)) {
    migrations = await connection.migrationRunner.rollback(all ? { all: true } : { batch: entry.migrationBatch! });
    entry.migrationBatch = null;
  }
  return Object.freeze({ seeds, migrations, durationMs: performance.now() - started });
}

const ROLLBACK_MODES = ['registration', 'all'] as const;

/** Validates `unregisterApp` options; returns a frozen copy. */
export function resolveUnregisterOptions(appName: string, input: unknown): UnregisterOptions {
  if (input === undefined) return Object.freeze({});
  const fail = (field: string, expected: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid unregister options for app '${appName}': '${field}' ${expected}`, {
      appName,
      field,
    });
  };
  if (input === null || typeof input !== 'object') fail('options', 'must be an object');
  const { skipRollback, rollback: mode, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) fail(unknown, 'is not a known option (expected skipRollback, rollback)');
  if (skipRollback !== undefined && typeof skipRollback !== 'boolean') fail('skipRollback', 'must be a boolean');
  if (mode !== undefined && !ROLLBACK_MODES.includes(mode as never)) fail('rollback', "must be 'registration' or 'all'");
  const out: { skipRollback?: boolean; rollback?: 'registration' | 'all' } = {};
  if (skipRollback !== undefined) out.skipRollback = skipRollback as boolean;
  if (mode !== undefined) out.rollback = mode as 'registration' | 'all';
  return Object.freeze(out);
}
