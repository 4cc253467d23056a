import { activeConnections, whenIdle } from '../connection/routed-knex.js';
import { foreignTables, otherLedgerApps } from '../connection/schema-admin.js';
import { dialectOf } from '../dialects/dialect-of.js';
import { KnexusError, toError } from '../errors.js';
import { hasScripts } from '../migrations/migrations-config.js';
import type { AppEntry } from './app-entry.js';
import { appNotFound } from './app-not-found.js';
import { assertCanLeave } from './tenant-rules.js';
import type { RollbackPlan } from './app-runner.js';
import { releaseConnection } from './app-connection.js';
import type { RegistryContext } from './registry-context.js';
import type { FailedOperation, RollbackContext, RollbackSummary, UnregisterOptions } from '../plugins/lifecycle-types.js';

/**
 * Unregisters the ready app `name` (refused while it registers or unregisters: KNEXUS_ERR_APP_NOT_READY),
 * tracking the work so shutdown can wait for it.
 */
export async function unregisterEntry(ctx: RegistryContext, name: string, options: UnregisterOptions): Promise<void> {
  const entry = ctx.apps.get(name);
  if (entry === undefined) throw appNotFound(name);
  // `work` is still set while onAppRegistered runs: the registration has not resolved yet, and closing
  // the pool now would hand registerApp's caller a dead connection.
  if (entry.state !== 'ready' || entry.work !== undefined) {
    const doing = entry.state === 'ready' ? 'still finishing its registration (onAppRegistered)' : entry.state;
    throw new KnexusError('KNEXUS_ERR_APP_NOT_READY', `App '${name}' is ${doing}; wait for it to finish before unregistering`, {
      appName: name,
    });
  }
  assertCanLeave(entry, options);
  entry.state = 'unregistering';
  const work = runUnregistration(ctx, entry, options);
  entry.work = work;
  try {
    await work;
  } finally {
    entry.work = undefined;
  }
}

/**
 * Unregisters one app as ordered steps: onAppUnregistrationStarted → rollback (seeds, then
 * migrations, newest first; with onAppRollbackStarted/Completed) → release the connection
 * (onConnectionShutdown when the pool really closes) → gone → onAppUnregistered.
 * A rollback error stops here: the app stays registered and the error is rethrown.
 */
export async function runUnregistration(
  ctx: RegistryContext,
  entry: AppEntry,
  options: UnregisterOptions,
): Promise<RollbackSummary | null> {
  const started = performance.now();
  const { name } = entry;
  let step: FailedOperation = 'unregistration';
  try {
    const rollingBack = !options.skipRollback && hasSomethingToUndo(entry, options);
    if (rollingBack || options.dropSchema) await waitForIdleConnections(entry);
    await ctx.hooks.dispatch('onAppUnregistrationStarted', name, options);

    let summary: RollbackSummary | null = null;
    if (rollingBack) {
      step = 'rollback';
      const context: RollbackContext = Object.freeze({ ...options, trigger: 'unregistration' as const });
      summary = await entry.runner!.rollback(context, rollbackPlan(entry, options));
    }

    step = 'unregistration';
    if (options.dropSchema) await removeSchema(entry, options.force === true);
    await releaseConnection(ctx, entry);
    entry.state = 'gone';
    ctx.apps.delete(name);
    ctx.emit('app-unregistered', { appName: name, options, rollback: summary, durationMs: performance.now() - started });
    await ctx.hooks.dispatch('onAppUnregistered', name, options);
    return summary;
  } catch (thrown) {
    const error = entry.runner!.scrub(toError(thrown));
    // Nothing was released yet when a rollback fails: the app stays usable, so the caller can fix and retry.
    if (entry.state === 'unregistering') entry.state = 'ready';
    await ctx.fail(name, step, error, { during: 'unregistration', options });
    throw error;
  }
}

/**
 * Drops the app's schema (or MySQL database) after its full rollback; refuses while it still holds tables its
 * ledgers do not account for or other apps' ledger rows, unless `force`.
 */
async function removeSchema(entry: AppEntry, force: boolean): Promise<void> {
  const { name, config } = entry;
  const pool = entry.pool!;
  const schema = config.schema!;
  const dialect = dialectOf(pool.target.client);
  const ledgers = [config.migrations.tableName, config.seeds.tableName];
  if (!force) {
    const tables = await foreignTables(pool.knex, dialect, schema, ledgers);
    const apps = await otherLedgerApps(pool.knex, dialect, schema, ledgers, name);
    if (tables.length > 0 || apps.length > 0) {
      const what = [
        tables.length > 0 ? `tables its migrations do not own (${tables.join(', ')})` : '',
        apps.length > 0 ? `ledger rows of other apps (${apps.join(', ')})` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      throw new KnexusError(
        'KNEXUS_ERR_SCHEMA_NOT_EMPTY',
        `App '${name}' rolled back its history, but its schema '${schema}' still holds ${what}, so it was kept. Pass force: true to drop it anyway.`,
        { appName: name, field: 'dropSchema', details: { schema, tables, apps } },
      );
    }
  }
  // Through the owner's knex, whose connection is back on the owner's schema first: sessions still on the
  // dropped schema keep its name (PostgreSQL search_path, MySQL default database) and work again if it is recreated.
  await dialect.dropSchema(pool.knex, schema);
}

/**
 * Waits, up to the app's `migrations.lockTimeout`, until the app holds no pooled connection: a rollback
 * or a dropped schema would otherwise wait on its own open transaction (its locks, or the pool's last
 * connection). Refuses with KNEXUS_ERR_APP_BUSY when one stays open; nothing has changed then.
 */
async function waitForIdleConnections(entry: AppEntry): Promise<void> {
  const knex = entry.connection!.knex;
  if (await whenIdle(knex, entry.config.migrations.lockTimeout)) return;
  const connections = activeConnections(knex);
  throw new KnexusError(
    'KNEXUS_ERR_APP_BUSY',
    `App '${entry.name}' still holds ${connections} pooled connection(s) (an open transaction?) after ${entry.config.migrations.lockTimeout} ms; ` +
      'commit or roll back before unregistering with a rollback or dropSchema (or pass skipRollback: true)',
    { appName: entry.name, details: { connections } },
  );
}

function hasSomethingToUndo(entry: AppEntry, options: UnregisterOptions): boolean {
  if (options.rollback === 'all' || options.dropSchema) {
    return hasScripts(entry.config.migrations) || hasScripts(entry.config.seeds);
  }
  return entry.migrationBatch !== null || entry.seedBatch !== null;
}

/** What unregistering undoes: this registration's batches, or the whole history (`rollback: 'all'`, `dropSchema`). */
function rollbackPlan(entry: AppEntry, options: UnregisterOptions): RollbackPlan {
  const all = options.rollback === 'all' || options.dropSchema === true;
  const { seedBatch, migrationBatch } = entry;
  return {
    seeds: hasScripts(entry.config.seeds) && (all || seedBatch !== null) ? (all ? { all: true } : { batch: seedBatch! }) : undefined,
    migrations:
      hasScripts(entry.config.migrations) && (all || migrationBatch !== null)
        ? all
          ? { all: true }
          : { batch: migrationBatch! }
        : undefined,
    undone: (section) => {
      if (section === 'seeds') entry.seedBatch = null;
      else entry.migrationBatch = null;
    },
  };
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
  const { skipRollback, rollback: mode, dropSchema: drop, force, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) fail(unknown, 'is not a known option (expected skipRollback, rollback, dropSchema, force)');
  if (skipRollback !== undefined && typeof skipRollback !== 'boolean') fail('skipRollback', 'must be a boolean');
  if (mode !== undefined && !ROLLBACK_MODES.includes(mode as never)) fail('rollback', "must be 'registration' or 'all'");
  if (drop !== undefined && typeof drop !== 'boolean') fail('dropSchema', 'must be a boolean');
  if (force !== undefined && typeof force !== 'boolean') fail('force', 'must be a boolean');
  if (drop === true && skipRollback === true)
    fail('dropSchema', 'cannot be combined with skipRollback: the schema is dropped after rolling back its whole history');
  if (drop === true && mode === 'registration')
    fail('dropSchema', "rolls back the app's whole history; leave out rollback or set it to 'all'");
  if (force === true && drop !== true) fail('force', 'only applies to dropSchema: true');
  const out: { skipRollback?: boolean; rollback?: 'registration' | 'all'; dropSchema?: boolean; force?: boolean } = {};
  if (skipRollback !== undefined) out.skipRollback = skipRollback as boolean;
  if (mode !== undefined) out.rollback = mode as 'registration' | 'all';
  if (drop !== undefined) out.dropSchema = drop as boolean;
  if (force !== undefined) out.force = force as boolean;
  return Object.freeze(out);
}
