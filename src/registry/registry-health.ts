import { AsyncLocalStorage } from 'node:async_hooks';
import type { SharedPool } from '../connection/shared-pool.js';
import { KnexusError } from '../errors.js';
import { checkPool, worstHealth, type PoolCheck } from '../health/check-pool.js';
import type { RegistryContext } from './registry-context.js';
import type { HealthReport, RegistryHealth, ServerHealth } from '../health/health-report.js';
import { dictionary } from '../util/dictionary.js';

/** The cycle each registry has in flight: callers that arrive meanwhile (the monitor, a user) share it. */
const inFlight = new WeakMap<RegistryContext, Promise<RegistryHealth>>();
/** Set while a registry's `onHealthCheck` hooks run, so a call from inside one is recognised. */
const insideHook = new AsyncLocalStorage<{ readonly ctx: RegistryContext; readonly appName: string; active: boolean }>();

/**
 * One health cycle: a real round trip per physical pool (apps sharing a pool share its result),
 * plugins' `onHealthCheck` results merged under their names, failures reported, then
 * `health-check-completed`. A call while a cycle runs gets that cycle's result; a call from inside
 * an `onHealthCheck` hook of the same registry is refused (KNEXUS_ERR_HEALTH_REENTRANT), since that
 * cycle waits for the hook and the hook would wait for it.
 */
export function runHealthCycle(ctx: RegistryContext): Promise<RegistryHealth> {
  const caller = insideHook.getStore();
  // A timer the hook set outside its dispatch keeps the store; only a call while the dispatch waits is re-entrant.
  if (caller?.ctx === ctx && caller.active) return Promise.reject(reentrantError(caller.appName));
  const running = inFlight.get(ctx);
  if (running !== undefined) return running;
  const cycle = healthCycle(ctx).finally(() => inFlight.delete(ctx));
  inFlight.set(ctx, cycle);
  return cycle;
}

async function healthCycle(ctx: RegistryContext): Promise<RegistryHealth> {
  const started = performance.now();
  const checkedAt = new Date();
  const options = { timeout: ctx.settings.healthCheckTimeout, degradedLatency: ctx.settings.degradedLatency };
  const checks = new Map<SharedPool, Promise<PoolCheck>>();
  const ready = [...ctx.apps.values()].filter((entry) => entry.state === 'ready' && entry.pool);
  for (const { pool } of ready) if (!checks.has(pool!)) checks.set(pool!, checkPool(pool!.knex, options));

  const reports = await Promise.all(
    ready.map(async ({ name, pool }): Promise<HealthReport> => {
      const check = await checks.get(pool!)!;
      let report: HealthReport = {
        appName: name,
        status: check.status,
        latencyMs: check.latencyMs,
        pool: Object.freeze({ ...check.pool }),
        checkedAt,
      };
      if (check.error) report = { ...report, error: pool!.scrubber.scrub(check.error.message) };
      Object.freeze(report);
      if (check.status === 'unhealthy' || check.status === 'timeout') {
        await ctx.fail(name, 'health-check', healthError(name, check, pool!), { status: check.status });
      }
      if (ctx.hooks.handles('onHealthCheck')) {
        // Each plugin sees a frozen copy (its own Date too): `report.status = 'healthy'` cannot hide a dead database.
        const frozen = Object.freeze({ ...report, checkedAt: new Date(checkedAt) });
        const scope = { ctx, appName: name, active: true };
        const extra = await insideHook
          .run(scope, () => ctx.hooks.dispatch('onHealthCheck', name, frozen))
          .finally(() => {
            scope.active = false;
          });
        if (extra.size > 0) report = Object.freeze({ ...report, plugins: Object.freeze(dictionary(extra)) });
      }
      return report;
    }),
  );

  const result: RegistryHealth = Object.freeze({
    status: worstHealth(reports.map((r) => r.status)),
    apps: Object.freeze(dictionary(reports.map((r) => [r.appName, r] as const))),
    durationMs: performance.now() - started,
    checkedAt,
  });
  ctx.emit('health-check-completed', result);
  return result;
}

function healthError(appName: string, check: PoolCheck, pool: SharedPool): Error {
  if (check.status === 'timeout') {
    return new KnexusError('KNEXUS_ERR_HEALTH_TIMEOUT', `Health check of app '${appName}' got no answer in time`, { appName });
  }
  return new KnexusError(
    'KNEXUS_ERR_CONNECTION_FAILED',
    `Health check of app '${appName}' failed: ${pool.scrubber.scrub(check.error?.message ?? 'unknown error')}`,
    { appName },
    check.error ? pool.scrubber.scrubError(check.error) : undefined,
  );
}

function reentrantError(appName: string): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_HEALTH_REENTRANT',
    `registry.healthCheck() was called from an onHealthCheck hook (app '${appName}'): the health check running that hook waits for it, ` +
      'so it cannot wait for another one. Use the report the hook receives, or call healthCheck() after the hook returns.',
    { appName, hook: 'onHealthCheck' },
  );
}

/** `health` with the tenant fleet's servers added; a server that is down makes the verdict at least `degraded`. */
export function withServers(
  health: RegistryHealth,
  servers: readonly { name: string; state: ServerHealth['state']; waiting: number; error?: { message: string } }[] | undefined,
): RegistryHealth {
  if (servers === undefined) return health;
  const list = servers.map(({ name, state, waiting, error }) =>
    Object.freeze({ name, state, waiting, ...(error === undefined ? {} : { error: error.message }) }),
  );
  const down = list.some((server) => server.state === 'down');
  const status = down && health.status === 'healthy' ? 'degraded' : health.status;
  return Object.freeze({ ...health, status, servers: Object.freeze(list) });
}
