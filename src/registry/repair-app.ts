import type { RepairOptions } from '../migrations/repair-options.js';
import { collectSecrets, describeTarget } from '../connection/connection-target.js';
import { createKnex } from '../connection/create-knex.js';
import { SecretScrubber } from '../connection/secret-scrubber.js';
import { SharedPool } from '../connection/shared-pool.js';
import { KnexusError } from '../errors.js';
import { REPAIR_RESOLUTIONS, type RepairResolution, type RepairResult } from '../migrations/dirty-state.js';
import type { ResolvedAppConfig } from '../connection/app-config.js';
import type { RegistryContext } from './registry-context.js';
import { createRunner } from './runner-settings.js';

/** Validates `repair` options; returns the section and file they name. */
export function resolveRepairOptions(
  appName: string,
  input: unknown,
): { section: 'migrations' | 'seeds'; file: string; resolution: RepairResolution } {
  const fail = (field: string, expected: string): never => {
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `Invalid repair options for app '${appName}': '${field}' ${expected}`, {
      appName,
      field,
    });
  };
  if (input === null || typeof input !== 'object') return fail('options', 'must be an object { migration | seed, resolution }');
  const { migration, seed, resolution, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) fail(unknown, 'is not a known option (expected migration, seed, resolution)');
  if ((migration === undefined) === (seed === undefined)) fail('migration', 'or seed (exactly one of them) must name the dirty file');
  const file = migration ?? seed;
  if (typeof file !== 'string' || file.length === 0) fail(migration === undefined ? 'seed' : 'migration', 'must be a file name');
  if (!REPAIR_RESOLUTIONS.includes(resolution as RepairResolution)) fail('resolution', `must be one of ${REPAIR_RESOLUTIONS.join(', ')}`);
  return { section: migration === undefined ? 'seeds' : 'migrations', file: file as string, resolution: resolution as RepairResolution };
}

/**
 * `registry.repair()`: settles a dirty file of a registered app on its own connection, or of an app whose
 * registration was refused (`refused`: its config) on a connection opened for the repair. Emits `ledger-repaired`.
 */
export async function repairApp(
  ctx: RegistryContext,
  appName: string,
  options: RepairOptions,
  refused: ResolvedAppConfig | undefined,
): Promise<RepairResult> {
  if (ctx.closing()) {
    throw new KnexusError('KNEXUS_ERR_SHUTTING_DOWN', `Cannot repair app '${appName}': the registry is shutting down`, { appName });
  }
  const request = resolveRepairOptions(appName, options);
  const entry = ctx.apps.get(appName);
  let result: RepairResult;
  if (entry !== undefined) {
    const runner = entry.runner;
    if (entry.state !== 'ready' || runner === undefined) {
      throw new KnexusError('KNEXUS_ERR_APP_NOT_READY', `App '${appName}' is ${entry.state}; wait for it to finish before repairing`, {
        appName,
      });
    }
    result = await runner.repair(request.section, request.file, request.resolution);
  } else if (refused !== undefined) {
    result = await repairUnregistered(ctx, appName, refused, request);
  } else {
    throw new KnexusError(
      'KNEXUS_ERR_APP_NOT_FOUND',
      `App '${appName}' is not registered: register it first (a registration refused with KNEXUS_ERR_LEDGER_DIRTY makes it repairable)`,
      { appName },
    );
  }
  ctx.emit('ledger-repaired', Object.freeze({ appName, section: request.section, ...result }));
  return result;
}

/**
 * Repairs the ledger of an app that is not registered (its registration was refused because the ledger
 * is dirty) on a connection of its own, closed afterwards.
 */
export async function repairUnregistered(
  ctx: RegistryContext,
  appName: string,
  config: ResolvedAppConfig,
  request: { section: 'migrations' | 'seeds'; file: string; resolution: RepairResolution },
): Promise<RepairResult> {
  const database = config.database;
  if (database === undefined) {
    throw new KnexusError('KNEXUS_ERR_APP_NOT_READY', `App '${appName}' shares another app's connection: register that app, then repair`, {
      appName,
    });
  }
  const scrubber = new SecretScrubber(collectSecrets(database.connection, database.directConnection));
  // Behind a transaction pooler the ledger is repaired on the server itself, where its lock holds.
  const direct = database.directConnection === undefined ? database : { client: database.client, connection: database.directConnection };
  const knex = createKnex(direct, scrubber, {
    schema: config.schema,
    searchPath: config.searchPath,
    idleTimeout: ctx.settings.idleTimeout,
  });
  const target = Object.freeze(describeTarget(database.client, database.connection, config.schema));
  const pool = new SharedPool(appName, knex, target, scrubber, {
    reusable: false,
    ownerRoute: undefined,
    migrationConcurrency: ctx.settings.migrationConcurrency,
  });
  try {
    const site = { name: appName, config, pool, target };
    const stopped = () => ctx.closing();
    const runner =
      request.section === 'migrations' ? createRunner(knex, site, 'migrations', stopped) : createRunner(knex, site, 'seeds', stopped);
    return await runner.repair(request.file, request.resolution);
  } catch (error) {
    throw scrubber.scrubError(error);
  } finally {
    await knex.destroy();
  }
}
