import { KnexusError, errorMessage, inspectable, isKnexusError, type KnexusErrorContext } from '../errors.js';

/** Where a failing plugin came from: named in every load error. */
export interface PluginErrorSource {
  readonly pluginName?: string | undefined;
  readonly module?: string | undefined;
  readonly resolvedPath?: string | undefined;
}

function context(source: PluginErrorSource, extra: KnexusErrorContext = {}): KnexusErrorContext {
  const out: KnexusErrorContext = { ...extra };
  if (source.pluginName !== undefined) out.pluginName = source.pluginName;
  if (source.module !== undefined) out.module = source.module;
  if (source.resolvedPath !== undefined) out.resolvedPath = source.resolvedPath;
  return out;
}

/** `Failed to import plugin module '<module>': …` */
export function importFailedError(source: PluginErrorSource & { module: string }, cause: unknown): KnexusError {
  const hint = /cannot find|not found|ERR_MODULE_NOT_FOUND/i.test(errorMessage(cause))
    ? ' Check that the package is installed, or that a relative path is relative to the config file (or the working directory).'
    : '';
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_IMPORT',
    `Failed to import plugin module '${source.module}': ${errorMessage(cause)}.${hint}`,
    context(source, { phase: 'import' }),
    cause,
  );
}

/** `Plugin '<key>' missing required 'module' property` */
export function moduleMissingError(key: string): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_MODULE_MISSING',
    `Plugin '${key}' missing required 'module' property. Give it a package name or a path, e.g. { module: './plugins/${key}.js' }.`,
    { pluginName: key, phase: 'config' },
  );
}

/** `Timeout (<ms>ms): load configured plugin '<key>'` or `Timeout (<ms>ms): load plugin '<name>'`. */
export function loadTimeoutError(source: PluginErrorSource, timeoutMs: number, configured: boolean): KnexusError {
  const what = configured ? 'load configured plugin' : 'load plugin';
  const option = configured ? 'pluginManager.loadTimeout (config entries get twice it)' : 'pluginManager.loadTimeout';
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_TIMEOUT',
    `Timeout (${timeoutMs}ms): ${what} '${source.pluginName ?? source.module ?? '?'}'. ` +
      `It will not be activated even if it finishes later; raise ${option} or make initialize() faster.`,
    context(source, { phase: 'load', timeoutMs }),
  );
}

/** An invalid plugin shape, e.g. `Plugin must implement initialize() method`. */
export function invalidPluginError(source: PluginErrorSource, problem: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_INVALID', problem, context(source, { phase: 'validate' }));
}

/** `validateConfiguration()` threw or returned false. */
export function configInvalidError(source: PluginErrorSource, cause?: unknown): KnexusError {
  const reason = cause === undefined ? 'validateConfiguration() returned false' : errorMessage(cause);
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
    `Plugin '${source.pluginName ?? '?'}' rejected its configuration: ${reason}`,
    context(source, { phase: 'validate' }),
    cause,
  );
}

/** `initialize()` threw or rejected. */
export function initFailedError(source: PluginErrorSource, cause: unknown): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_INIT_FAILED',
    `Plugin '${source.pluginName ?? '?'}' failed to initialize: ${errorMessage(cause)}`,
    context(source, { phase: 'initialize' }),
    cause,
  );
}

/** A plugin with that name is already loaded, or (`loading`) a load or reload of it is in progress. */
export function pluginExistsError(source: PluginErrorSource, loading = false): KnexusError {
  const name = source.pluginName ?? '?';
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_EXISTS',
    loading
      ? `Plugin '${name}' is loading; wait for that load (or reload) to finish before loading it again`
      : `Plugin '${name}' is already loaded; unload it first or use reloadPlugin()`,
    context(source, { phase: 'load' }),
  );
}

/** The plugin system shut down while the plugin was still initializing. */
export function loadAbortedError(source: PluginErrorSource): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_SHUTTING_DOWN',
    `Plugin '${source.pluginName ?? '?'}' was still initializing when the plugin system shut down, so it was not activated; ` +
      'it is shut down if initialize() completes later. Raise pluginManager.shutdownTimeout to let loads finish first.',
    context(source, { phase: 'load' }),
  );
}

/** No plugin with that name. */
export function pluginNotFoundError(name: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_NOT_FOUND', `Plugin '${name}' is not loaded`, { pluginName: name });
}

/** `shutdown()` threw, rejected or exceeded `shutdownTimeout`. */
export function shutdownFailedError(name: string, cause: unknown, timeoutMs?: number): KnexusError {
  const message =
    timeoutMs === undefined
      ? `Plugin '${name}' failed to shut down: ${errorMessage(cause)}`
      : `Timeout (${timeoutMs}ms): shut down plugin '${name}'. Raise pluginManager.shutdownTimeout or make shutdown() faster.`;
  return new KnexusError(
    timeoutMs === undefined ? 'KNEXUS_ERR_PLUGIN_SHUTDOWN' : 'KNEXUS_ERR_PLUGIN_TIMEOUT',
    message,
    { pluginName: name, phase: 'shutdown', ...(timeoutMs === undefined ? {} : { timeoutMs }) },
    cause,
  );
}

/** Adds plugin name, module and resolved path to an error that lacks them (e.g. a dependency error). */
export function withSource(error: unknown, source: PluginErrorSource): KnexusError {
  const safe = inspectable(error);
  if (isKnexusError(safe)) {
    for (const [key, value] of Object.entries(context(source))) {
      if ((safe as unknown as Record<string, unknown>)[key] === undefined) {
        Object.defineProperty(safe, key, { value, enumerable: true });
      }
    }
    return safe;
  }
  return initFailedError(source, safe);
}

/** A hook call threw or rejected. */
export function hookFailedError(hook: string, pluginName: string, appArg: unknown, cause: unknown): KnexusError {
  const appName = typeof appArg === 'string' ? appArg : undefined;
  return new KnexusError(
    'KNEXUS_ERR_PLUGIN_HOOK_FAILED',
    `Plugin '${pluginName}' failed in ${hook}` + (appName === undefined ? '' : ` for app '${appName}'`) + `: ${errorMessage(cause)}`,
    { pluginName, hook, phase: 'hook', ...(appName === undefined ? {} : { appName }) },
    cause,
  );
}

/**
 * A hook call exceeded `hookTimeout`. Made when the shared sweeper expires the call, not when the
 * call starts: capturing a stack per call would cost more than the call itself.
 */
export function hookTimeoutError(pluginName: string, hook: string, appName: string | undefined, timeoutMs: number): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_HOOK_TIMEOUT',
    `Timeout (${timeoutMs}ms): plugin '${pluginName}' hook ${hook}` +
      (appName === undefined ? '' : ` for app '${appName}'`) +
      '. Its result will be ignored; raise pluginManager.hookTimeout or make the hook honor context.signal',
    { pluginName, hook, phase: 'hook', timeoutMs, ...(appName === undefined ? {} : { appName }) },
  );
}
