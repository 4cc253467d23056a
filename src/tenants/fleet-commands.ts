import { resolve } from 'node:path';
import type { AppHandle } from '../connection/app-handle.js';
import { KnexusError, isKnexusError } from '../errors.js';
import { createScriptSource } from '../migrations/scripts/create-script-source.js';
import { KnexSource } from '../migrations/knex/knex-source.js';
import type { RunResult } from '../migrations/ledger-types.js';
import type { MigrationsConfig } from '../migrations/migrations-config.js';
import { checkPages, summarizeCheck, unreachable, type FleetCheckResult, type TenantVerdict } from './fleet-check.js';
import { assertJobOptions, runFleetJob, type FleetItem, type FleetJobOptions, type FleetReport, type TenantOutcome } from './fleet-job.js';
import type { TenantFailure } from './tenants-status.js';

/**
 * Tenants whose ledgers one server holds: its owner app (undefined when the server does not answer) and
 * their names.
 */
export interface FleetGroup {
  readonly owner: AppHandle | undefined;
  readonly names: AsyncIterable<string>;
}

/** What the fleet commands need from the tenant directory. */
export interface FleetSite {
  /** The fleet by server: one group without `tenants.servers`, one per server placed on with them. */
  groups(): Promise<readonly FleetGroup[]>;
  readonly migrations: MigrationsConfig | undefined;
  readonly baseDir: string;
  names(): AsyncIterable<string>;
  attach(name: string): Promise<AppHandle>;
  /**
   * Applies a tenant's pending migrations without attaching it, when it is not attached and the registry
   * can; resolves null when the job must attach it instead.
   */
  migrateUnattached(name: string, options: { to?: string; schemaExists?: boolean }): Promise<RunResult | null>;
  isResident(name: string): boolean;
  detach(name: string): Promise<boolean>;
  recordFailure(name: string, during: TenantFailure['during'], error: unknown): void;
  clearFailure(name: string): void;
}

/** Options of `registry.tenants.check()`. */
export interface FleetCheckOptions {
  /** Tenants per round trip; default 500. */
  pageSize?: number;
}

/** Options of `registry.tenants.migrate()`. */
export interface FleetMigrateOptions extends FleetJobOptions, FleetCheckOptions {
  /** Apply pending files up to and including this one; default all. */
  to?: string;
}

/** Options of `registry.tenants.rollback()`. */
export interface FleetRollbackOptions extends FleetJobOptions {
  /** Undo this file and every file applied after it, in each tenant; a tenant without it has nothing to undo. */
  to: string;
}

/** Every tenant's ledger compared with the tenants' migration files, in a few round trips per 500 tenants. */
export async function checkTenants(site: FleetSite, options: FleetCheckOptions = {}): Promise<FleetCheckResult> {
  assertPageSize(options.pageSize);
  return summarizeCheck(fleetVerdicts(site, options));
}

/** Refuses a page size that is not a positive integer (KNEXUS_ERR_INVALID_CONFIG) before any tenant is read. */
function assertPageSize(pageSize: unknown): void {
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || (pageSize as number) < 1)) {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', "Invalid fleet option 'pageSize': must be an integer ≥ 1", { field: 'pageSize' });
  }
}

/** Every tenant's verdict, a page at a time, server by server (tenants of a server that does not answer are `unreachable`). */
async function* fleetVerdicts(site: FleetSite, options: FleetCheckOptions): AsyncGenerator<readonly TenantVerdict[]> {
  const migrations = site.migrations;
  if (migrations === undefined) {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', "Checking the fleet needs the tenants' migrations: set tenants.migrations", {
      field: 'tenants.migrations',
    });
  }
  const directories = [migrations.directory ?? []].flat().map((directory) => resolve(site.baseDir, directory));
  const source = createScriptSource(
    {
      directories,
      source: migrations.migrationSource === undefined ? undefined : new KnexSource('migrations', migrations.migrationSource),
      loadExtensions: migrations.loadExtensions,
    },
    { appName: 'tenants', section: 'migrations' },
  );
  const catalog = await source.list();
  for (const group of await site.groups()) {
    if (group.owner === undefined) {
      const names: string[] = [];
      for await (const name of group.names) names.push(name);
      yield unreachable(names);
      continue;
    }
    yield* checkPages(group.names, {
      knex: group.owner.knex,
      client: group.owner.target.client,
      tableName: migrations.tableName ?? 'knexus_migrations',
      catalog,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    });
  }
}

/**
 * Migrates every tenant that is behind (or has no schema yet); tenants already current are not touched,
 * dirty or drifted ones are reported failed without being touched. Tenants are migrated as the check
 * reads them, a page at a time, so the first page is at work while the next is read.
 */
export async function migrateTenants(site: FleetSite, options: FleetMigrateOptions = {}): Promise<FleetReport> {
  assertJobOptions(options);
  assertPageSize(options.pageSize);
  const verdicts = fleetVerdicts(site, options.pageSize === undefined ? {} : { pageSize: options.pageSize });
  let total = 0;
  for await (const _ of site.names()) total++;
  const to = options.to === undefined ? {} : { to: options.to };
  // Tenants the check found behind have their schema: the unattached run does not look it up again.
  const behind = new Set<string>();
  async function* items(): AsyncGenerator<FleetItem> {
    for await (const page of verdicts) {
      for (const verdict of page) {
        const decided = decide(verdict, options.to);
        if (decided === undefined && verdict.verdict === 'behind') behind.add(verdict.name);
        yield { name: verdict.name, decided };
      }
    }
  }
  return runFleetJob(
    'migrate',
    total,
    items(),
    (name) =>
      onTenant(site, name, 'migrate', async () => {
        const unattached = await site.migrateUnattached(name, { ...to, schemaExists: behind.has(name) });
        if (unattached !== null) return unattached.applied;
        return withAttached(site, name, async (handle) => (await handle.runMigrations(to)).applied);
      }),
    options,
  );
}

/** What a fleet migration does with a tenant before any work: undefined (migrate it), done (nothing to do) or failed (refused). */
function decide({ name, verdict, pending }: TenantVerdict, to: string | undefined): TenantOutcome | undefined {
  if (verdict === 'behind' || verdict === 'missing') {
    return to === undefined || verdict === 'missing' || pendingIncludes(pending, to)
      ? undefined
      : Object.freeze({ name, status: 'done', files: [] });
  }
  if (verdict === 'current' || verdict === 'ahead') return Object.freeze({ name, status: 'done', files: [] });
  const code =
    verdict === 'invalid'
      ? 'KNEXUS_ERR_INVALID_NAME'
      : verdict === 'unreachable'
        ? 'KNEXUS_ERR_TENANT_SERVER_DOWN'
        : verdict === 'dirty'
          ? 'KNEXUS_ERR_LEDGER_DIRTY'
          : 'KNEXUS_ERR_CHECKSUM_DRIFT';
  return Object.freeze({ name, status: 'failed', files: [], error: { code, message: `Tenant '${name}' is ${verdict}` } });
}

/** Rolls every tenant back to (and including) `to`; a tenant that never applied it has nothing to undo. */
export async function rollbackTenants(site: FleetSite, options: FleetRollbackOptions): Promise<FleetReport> {
  if (typeof options?.to !== 'string' || options.to.length === 0) {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', 'A fleet rollback needs `to`: the file to roll back to (it is undone too)', {
      field: 'to',
    });
  }
  const names: string[] = [];
  for await (const name of site.names()) names.push(name);
  return runFleetJob(
    'rollback',
    names.length,
    names.map((name) => ({ name })),
    (name) =>
      onTenant(site, name, 'rollback', () =>
        withAttached(site, name, async (handle) => {
          try {
            return (await handle.rollbackMigrations({ to: options.to })).rolledBack;
          } catch (error) {
            if (isKnexusError(error, 'KNEXUS_ERR_MIGRATION_NOT_FOUND')) return [];
            throw error;
          }
        }),
      ),
    options,
  );
}

/** Runs one tenant's `work`, recording its failure for status (or clearing an earlier one). */
async function onTenant(
  site: FleetSite,
  name: string,
  during: 'migrate' | 'rollback',
  work: () => Promise<readonly string[]>,
): Promise<readonly string[]> {
  try {
    const files = await work();
    site.clearFailure(name);
    return files;
  } catch (error) {
    site.recordFailure(name, during, error);
    throw error;
  }
}

/** Attaches the tenant (without running anything), does `work`, and detaches it again if the job attached it. */
async function withAttached(
  site: FleetSite,
  name: string,
  work: (handle: AppHandle) => Promise<readonly string[]>,
): Promise<readonly string[]> {
  const wasResident = site.isResident(name);
  const handle = await site.attach(name);
  try {
    return await work(handle);
  } finally {
    if (!wasResident) await site.detach(name);
  }
}

function pendingIncludes(pending: readonly string[], to: string): boolean {
  return pending.some((name) => name === to || name.slice(0, name.lastIndexOf('.')) === to);
}
