/**
 * The error catalogue: every error knexus throws or reports is a `KnexusError` with a stable `code`.
 *
 * Match on `code` (and the context fields), never on the message text.
 */
import { types } from 'node:util';

/** Every error code knexus can produce. */
export const ERROR_CODES = [
  // registry and apps
  'KNEXUS_ERR_APP_EXISTS',
  'KNEXUS_ERR_APP_NOT_FOUND',
  'KNEXUS_ERR_APP_NOT_READY',
  'KNEXUS_ERR_APP_BUSY',
  'KNEXUS_ERR_INVALID_NAME',
  'KNEXUS_ERR_INVALID_CONFIG',
  'KNEXUS_ERR_UNKNOWN_CLIENT',
  'KNEXUS_ERR_DRIVER_MISSING',
  'KNEXUS_ERR_USE_CONNECTION',
  'KNEXUS_ERR_POOL_IN_USE',
  'KNEXUS_ERR_SCHEMA_NOT_EMPTY',
  'KNEXUS_ERR_SHUTTING_DOWN',
  // tenants
  'KNEXUS_ERR_TENANT_NOT_FOUND',
  'KNEXUS_ERR_TENANT_NOT_MIGRATED',
  'KNEXUS_ERR_TENANT_SERVER_DOWN',
  'KNEXUS_ERR_TENANT_MOVE_FAILED',
  // connections
  'KNEXUS_ERR_CONNECTION_FAILED',
  'KNEXUS_ERR_POOL_EXHAUSTED',
  'KNEXUS_ERR_TRANSACTION_TIMEOUT',
  'KNEXUS_ERR_HEALTH_TIMEOUT',
  'KNEXUS_ERR_HEALTH_REENTRANT',
  'KNEXUS_ERR_TRANSACTION_POOLER',
  // migrations and seeds
  'KNEXUS_ERR_MODULE_LOAD',
  'KNEXUS_ERR_MIGRATION_FAILED',
  'KNEXUS_ERR_MIGRATION_NOT_FOUND',
  'KNEXUS_ERR_SEED_FAILED',
  'KNEXUS_ERR_CHECKSUM_DRIFT',
  'KNEXUS_ERR_LOCK_TIMEOUT',
  'KNEXUS_ERR_LOCK_FILE',
  'KNEXUS_ERR_LEDGER_TABLE_TAKEN',
  'KNEXUS_ERR_KNEX_HISTORY',
  'KNEXUS_ERR_LEDGER_DIRTY',
  'KNEXUS_ERR_HISTORY_UNDER_OTHER_APP',
  // models
  'KNEXUS_ERR_MODEL_NOT_FOUND',
  'KNEXUS_ERR_INVALID_MODEL',
  // plugins
  'KNEXUS_ERR_PLUGIN_IMPORT',
  'KNEXUS_ERR_PLUGIN_MODULE_MISSING',
  'KNEXUS_ERR_PLUGIN_FORBIDDEN',
  'KNEXUS_ERR_PLUGIN_TIMEOUT',
  'KNEXUS_ERR_PLUGIN_INVALID',
  'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
  'KNEXUS_ERR_PLUGIN_INIT_FAILED',
  'KNEXUS_ERR_PLUGIN_EXISTS',
  'KNEXUS_ERR_PLUGIN_NOT_FOUND',
  'KNEXUS_ERR_PLUGIN_DEPENDENCY',
  'KNEXUS_ERR_PLUGIN_CYCLE',
  'KNEXUS_ERR_PLUGIN_HOOK_FAILED',
  'KNEXUS_ERR_HOOK_TIMEOUT',
  'KNEXUS_ERR_PLUGIN_SHUTDOWN',
  'KNEXUS_ERR_PLUGIN_DISABLED',
  'KNEXUS_ERR_SERVICE_NOT_FOUND',
  'KNEXUS_ERR_PLUGIN_DATA',
  'KNEXUS_ERR_PLUGIN_INCOMPATIBLE',
  'KNEXUS_ERR_PLUGIN_STORAGE',
  // configuration files and CLI
  'KNEXUS_ERR_CONFIG_NOT_FOUND',
  'KNEXUS_ERR_CONFIG_LOAD',
  'KNEXUS_ERR_USAGE',
  'KNEXUS_ERR_CONFIRMATION_REQUIRED',
  // anything else: the CLI wraps errors that are not KnexusErrors in this code
  'KNEXUS_ERR_UNEXPECTED',
] as const;

/** A stable error code, e.g. `KNEXUS_ERR_LOCK_TIMEOUT`. */
export type KnexusErrorCode = (typeof ERROR_CODES)[number];

/** Context carried by an error; every field is optional and never holds a secret. */
export interface KnexusErrorContext {
  appName?: string;
  pluginName?: string;
  hook?: string;
  phase?: string;
  operation?: string;
  field?: string;
  file?: string;
  direction?: 'up' | 'down';
  module?: string;
  resolvedPath?: string;
  timeoutMs?: number;
  client?: string;
  configFile?: string;
  details?: Readonly<Record<string, unknown>>;
}

/** The one error class of knexus: a stable `code`, context fields and the original error as `cause`. */
export class KnexusError extends Error implements KnexusErrorContext {
  override name = 'KnexusError';
  readonly code: KnexusErrorCode;
  declare readonly appName?: string;
  declare readonly pluginName?: string;
  declare readonly hook?: string;
  declare readonly phase?: string;
  declare readonly operation?: string;
  declare readonly field?: string;
  declare readonly file?: string;
  declare readonly direction?: 'up' | 'down';
  declare readonly module?: string;
  declare readonly resolvedPath?: string;
  declare readonly timeoutMs?: number;
  declare readonly client?: string;
  declare readonly configFile?: string;
  declare readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: KnexusErrorCode, message: string, context: KnexusErrorContext = {}, cause?: unknown) {
    // A cause that throws when read (a plugin's hostile Proxy) would break whoever logs or prints this error.
    super(message, cause === undefined ? undefined : { cause: inspectable(cause) });
    this.code = code;
    for (const [key, value] of Object.entries(context)) {
      if (value !== undefined) Object.defineProperty(this, key, { value, enumerable: true });
    }
  }

  /** A plain, secret-free object for logs and JSON output. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const key of Object.keys(this)) out[key] = (this as unknown as Record<string, unknown>)[key];
    if (this.cause !== undefined) out['cause'] = errorMessage(this.cause);
    return out;
  }
}

/** True when `error` is a KnexusError, optionally with the given code. */
export function isKnexusError(error: unknown, code?: KnexusErrorCode): error is KnexusError {
  try {
    return error instanceof KnexusError && (code === undefined || error.code === code);
  } catch {
    // A Proxy whose getPrototypeOf trap throws is no KnexusError.
    return false;
  }
}

/** What stands in for a thrown or returned value whose properties throw when read (a hostile Proxy, a throwing getter). */
export const UNINSPECTABLE_VALUE = 'plugin threw a value that cannot be inspected';

/** The message of anything thrown; never throws, whatever `error` is. */
export function errorMessage(error: unknown): string {
  try {
    if (types.isProxy(error)) return UNINSPECTABLE_VALUE;
    if (error instanceof Error) return String(error.message);
    // Serializers (vitest among them) may hand us a plain `{ message }` object in place of an Error.
    if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return (error as { message: string }).message;
    }
  } catch {
    return UNINSPECTABLE_VALUE;
  }
  try {
    return String(error);
  } catch {
    try {
      return Object.prototype.toString.call(error);
    } catch {
      return UNINSPECTABLE_VALUE;
    }
  }
}

/** Wraps anything thrown into an Error (plugins may throw strings); never throws. */
export function toError(error: unknown): Error {
  const safe = inspectable(error);
  return safe instanceof Error ? safe : new Error(errorMessage(safe));
}

/**
 * `value` itself when knexus and its callers can read it safely (message, name, stack, code, cause,
 * prototype), otherwise a plain Error saying it cannot be inspected. Code outside knexus (plugins) may
 * throw or return a Proxy whose traps throw, or an object whose getters throw; such a value must not
 * break the code that reports it, nor the listeners and loggers it is handed to.
 */
export function inspectable(value: unknown, depth = 0): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return value;
  try {
    if (types.isProxy(value)) return new Error(`${UNINSPECTABLE_VALUE} (a Proxy)`);
    const fields = value as Record<string, unknown>;
    void Object.getPrototypeOf(value);
    for (const key of ['message', 'name', 'stack', 'code']) void fields[key];
    const cause = fields['cause'];
    if (cause !== undefined && depth < 4 && inspectable(cause, depth + 1) !== cause) {
      return new Error(errorMessage(value), { cause: inspectable(cause, depth + 1) });
    }
    return value;
  } catch {
    return new Error(UNINSPECTABLE_VALUE);
  }
}

/**
 * A frozen stand-in for `error` to hand to code that must not change it (plugin hooks): a KnexusError
 * is copied (code, message, context, cause, stack); anything else is viewed through a frozen object
 * whose prototype is the error, so reads see it and writes fail without reaching it.
 */
export function frozenError(error: Error): Error {
  if (error instanceof KnexusError) {
    const context: Record<string, unknown> = {};
    for (const key of Object.keys(error))
      if (key !== 'code' && key !== 'name') context[key] = (error as unknown as Record<string, unknown>)[key];
    const copy = new KnexusError(error.code, error.message, context as KnexusErrorContext, error.cause);
    Object.defineProperty(copy, 'stack', { value: error.stack, enumerable: false });
    return Object.freeze(copy);
  }
  return Object.freeze(Object.create(error) as Error);
}
