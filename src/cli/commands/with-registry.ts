import type { ConfiguredApp } from '../../config/validate-config.js';
import type { PluginInitializeResult } from '../../plugins/plugin-types.js';
import type { AppRegistry } from '../../registry/app-registry.js';
import type { FailedOperation } from '../../plugins/lifecycle-types.js';
import type { RegistryErrorEvent } from '../../plugins/registry-events.js';
import type { RegistrySettings } from '../../registry/registry-settings.js';
import type { CliOutput } from '../cli-output.js';
import { errorCode } from '../format-error.js';
import { ensureSqliteFolders, openRegistry } from '../open-registry.js';
import { registerApps, type AppOutcome } from '../register-apps.js';
import { selectApps } from '../select-apps.js';
import type { TaskProgress } from '../task-progress.js';
import type { CommandContext } from './command-context.js';

/** A registry with plugins loaded and the selected apps registered, handed to a command's work. */
export interface RegistrySession {
  readonly registry: AppRegistry;
  readonly init: PluginInitializeResult;
  /** The apps the command acts on (the named one, or all). */
  readonly targets: readonly ConfiguredApp[];
  /** Every app registered for the command (targets plus the apps whose connection they share). */
  readonly registered: readonly ConfiguredApp[];
  readonly outcomes: readonly AppOutcome[];
  readonly progress: TaskProgress;
}

/** Options of `withRegistry`. */
export interface WithRegistryOptions {
  /** Register apps with auto-migrations and seeds off. */
  readonly readOnly: boolean;
  /** Successful registrations leave no line (read-only views, where they are noise), unless verbose. */
  readonly transient?: boolean;
  /**
   * Inspect, never create: no folder is made, and an app whose SQLite file or PostgreSQL schema does
   * not exist yet is reported missing instead of registered (which would create it). For status.
   */
  readonly existingOnly?: boolean;
  /** Register no app at all (the plugins command). */
  readonly noApps?: boolean;
  /** Load no plugin (read-only views: plugins' hooks and start-up may write, bind ports, back up). */
  readonly noPlugins?: boolean;
  readonly settings?: RegistrySettings;
  /** Stops registering further apps once aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Opens a registry from the config, loads plugins, registers the apps the command names, runs `work`,
 * and always shuts the registry down afterwards (closing connections, never rolling back).
 */
export async function withRegistry<T>(
  ctx: CommandContext,
  options: WithRegistryOptions,
  work: (session: RegistrySession) => Promise<T>,
): Promise<T> {
  const { targets, toRegister } = options.noApps ? { targets: [], toRegister: [] } : selectApps(ctx.loaded, ctx.args.app);
  const registry = openRegistry(ctx.loaded, options.settings, { plugins: !options.noPlugins });
  // Drift tolerated under the `warn` policy and similar notices would otherwise go unseen.
  registry.on('warning', (event) => ctx.output.warn(`${event.appName === undefined ? '' : `${event.appName}: `}${event.message}`));
  // From before plugins load: a hook that throws while apps register must not go unseen.
  const reported = new Set<string>();
  registry.on('error', (event) => reportError(ctx.output, event, reported));
  // A signal during start-up stops the registration in progress too (a lock wait may last lockTimeout):
  // shutdown() interrupts it within shutdownTimeout.
  const onAbort = (): void => {
    ctx.output.info(`${String(options.signal?.reason)} received, shutting down (again to exit at once)…`);
    void registry.shutdown();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const existingOnly = options.existingOnly ?? false;
    if (!existingOnly) ensureSqliteFolders(toRegister);
    const progress = await ctx.output.progress({ transient: options.transient ?? false });
    const init = await loadPlugins(registry, progress, !options.noPlugins && Object.keys(ctx.loaded.config.plugins ?? {}).length > 0);
    const outcomes = await registerApps(registry, toRegister, {
      readOnly: options.readOnly,
      existingOnly,
      progress,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.signal?.removeEventListener('abort', onAbort);
    return await work({ registry, init, targets, registered: toRegister, outcomes, progress });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    const result = await registry.shutdown();
    for (const { name, error } of result.errors) if (!reported.has(error)) ctx.output.warn(`shutdown of ${name}: ${error}`);
  }
}

async function loadPlugins(registry: AppRegistry, progress: TaskProgress, any: boolean): Promise<PluginInitializeResult> {
  if (any) progress.start('plugins: loading');
  const init = await registry.initialize();
  if (!any) return init;
  if (init.failedPlugins.length === 0) progress.succeed(`plugins: ${init.loadedPlugins.length} loaded`);
  else
    progress.fail(
      `plugins: ${init.loadedPlugins.length} loaded, ${init.failedPlugins.length} failed (${init.failedPlugins.map((f) => f.name).join(', ')})`,
    );
  return init;
}

/** Failures the command reports itself, in its result for the app (registering, unregistering, rolling back). */
const REPORTED_BY_COMMAND: readonly FailedOperation[] = [
  'registration',
  'connection',
  'migrations',
  'seeds',
  'models',
  'rollback',
  'unregistration',
];

/** One warning line per registry error (plugin hooks, health checks…): its code and (secret-free) message, remembered in `reported`. */
function reportError(output: CliOutput, event: RegistryErrorEvent, reported: Set<string>): void {
  if (event.component === 'AppRegistry' && (REPORTED_BY_COMMAND as readonly string[]).includes(event.phase)) return;
  // A plugin that failed to load has its own row in the report.
  if (event.component === 'PluginManager' && event.phase === 'load') return;
  reported.add(event.error.message);
  output.warn(
    `${event.appName === undefined ? '' : `${event.appName}: `}${event.phase}: ${errorCode(event.error)}: ${event.error.message}`,
  );
}
