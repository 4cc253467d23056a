import pTimeout from 'p-timeout';
import { errorMessage } from '../errors.js';
import type { PluginManager } from '../plugins/plugin-manager.js';
import { releaseConnection } from './app-connection.js';
import type { RegistryContext } from './registry-context.js';
import type { ShutdownResult } from '../plugins/lifecycle-types.js';

/**
 * Closes every app in reverse registration order (never rolling back), then shuts plugins down,
 * all within `shutdownTimeout`: a pool still busy when its share of time runs out is destroyed by force.
 */
export async function runShutdown(ctx: RegistryContext, plugins: PluginManager): Promise<ShutdownResult> {
  const started = performance.now();
  const deadline = started + ctx.settings.shutdownTimeout;
  const remaining = () => Math.max(0, deadline - performance.now());
  // A hook may call shutdown() itself, synchronously inside its call: let the dispatch that runs it
  // register that call first, so aborting below releases it instead of waiting out hookTimeout.
  await Promise.resolve();
  // Hook calls still running (a hung onAppRegistered, say) learn at once that the registry is going away.
  plugins.abortHooks();

  // Let registrations and unregistrations in flight finish (or fail) first, within the budget.
  const inFlight = [...ctx.apps.values()].flatMap((entry) => (entry.work ? [entry.work.catch(() => undefined)] : []));
  if (inFlight.length > 0) await withinBudget(Promise.all(inFlight), remaining());

  const closed: string[] = [];
  const forced: string[] = [];
  const errors: { name: string; error: string }[] = [];
  const entries = [...ctx.apps.values()].sort((a, b) => b.sequence - a.sequence);
  for (const entry of entries) {
    try {
      const result = await releaseConnection(ctx, entry, remaining());
      (result.forced ? forced : closed).push(entry.name);
    } catch (error) {
      errors.push({ name: entry.name, error: errorMessage(error) });
    }
    entry.state = 'gone';
    ctx.apps.delete(entry.name);
  }

  const pluginResult = await plugins.shutdown();
  for (const failure of pluginResult.errors) errors.push({ name: failure.name, error: errorMessage(failure.error) });

  const result: ShutdownResult = { closed, forced, errors, durationMs: performance.now() - started };
  ctx.emit('shutdown-completed', result);
  return result;
}

async function withinBudget(work: Promise<unknown>, ms: number): Promise<void> {
  // Nothing left of the budget: do not wait at all (p-timeout refuses 0 ms).
  if (ms > 0) await pTimeout(work, { milliseconds: ms, fallback: () => undefined });
}
