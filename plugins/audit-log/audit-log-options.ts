import { isAbsolute, resolve } from 'node:path';
import type { Knex } from 'knex';
import { KnexusError } from '../../src/index.js';

/** Options of the audit-log plugin: exactly one destination, `app`, `database` or `file`. */
export interface AuditLogOptions {
  /** A registered app whose database receives the table; records wait in memory until it is registered. */
  readonly app?: string;
  /**
   * A knex config for a database of the plugin's own, opened at initialize and destroyed at shutdown.
   * A relative SQLite `connection.filename` resolves against the registry's `baseDir` (`:memory:` and `file:` URIs are kept).
   */
  readonly database?: Knex.Config;
  /** A JSON-lines file appended to; relative paths resolve against the registry's `baseDir`. */
  readonly file?: string;
  /** Table written in `app`/`database` mode; default `knexus_audit_log`. */
  readonly table?: string;
  /** Records kept in memory while the destination is unreachable; default 1000. Past it the oldest are dropped (and counted). */
  readonly bufferSize?: number;
}

/** Where records go, after validation. */
export type AuditDestination =
  | { readonly kind: 'app'; readonly app: string }
  | { readonly kind: 'database'; readonly database: Knex.Config }
  | { readonly kind: 'file'; readonly file: string };

/** `AuditLogOptions` validated, defaults applied, paths absolute; frozen. */
export interface ResolvedAuditLogOptions {
  readonly destination: AuditDestination;
  readonly table: string;
  readonly bufferSize: number;
}

/** Defaults of `AuditLogOptions`. */
export const AUDIT_LOG_DEFAULTS = Object.freeze({ table: 'knexus_audit_log', bufferSize: 1000 });

/** The JSON Schema of `AuditLogOptions`: knexus validates the config against it and fills the defaults before `initialize`. */
export const AUDIT_LOG_CONFIG_SCHEMA = Object.freeze({
  type: 'object',
  additionalProperties: false,
  properties: {
    app: { type: 'string', pattern: '\\S' },
    database: { type: 'object', required: ['client'], properties: { client: { type: 'string' } } },
    file: { type: 'string', pattern: '\\S' },
    table: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$', default: AUDIT_LOG_DEFAULTS.table },
    bufferSize: { type: 'integer', minimum: 0, default: AUDIT_LOG_DEFAULTS.bufferSize },
  },
});

/** `database` with a relative SQLite filename made absolute against `baseDir`, as the registry does for apps; never mutates it. */
function withAbsoluteFilename(database: Knex.Config, baseDir: string): Knex.Config {
  const { connection } = database;
  if (connection === null || typeof connection !== 'object') return database;
  const { filename } = connection as { filename?: unknown };
  if (typeof filename !== 'string' || filename === '' || filename === ':memory:' || filename.startsWith('file:') || isAbsolute(filename)) {
    return database;
  }
  return { ...database, connection: { ...connection, filename: resolve(baseDir, filename) } as Knex.StaticConnectionConfig };
}

function invalid(field: string, problem: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_PLUGIN_CONFIG_INVALID', `'${field}' ${problem}`, { pluginName: 'audit-log', field });
}

/**
 * Resolves the schema-checked config: what the schema cannot say (exactly one destination) throws a
 * KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the field; relative paths become absolute against `baseDir`.
 */
export function resolveAuditLogOptions(config: AuditLogOptions, baseDir: string): ResolvedAuditLogOptions {
  const given = (['app', 'database', 'file'] as const).filter((key) => config[key] !== undefined);
  if (given.length !== 1) {
    throw invalid(
      given.length === 0 ? 'app' : given.join('/'),
      given.length === 0
        ? "is missing: give exactly one destination, e.g. { app: 'audit' }, { database: { client, connection } } or { file: './data/audit.jsonl' }"
        : 'are exclusive: give exactly one destination',
    );
  }
  const { app, database, file } = config;
  const destination: AuditDestination =
    app !== undefined
      ? { kind: 'app', app }
      : database !== undefined
        ? { kind: 'database', database: withAbsoluteFilename(database, baseDir) }
        : { kind: 'file', file: isAbsolute(file!) ? file! : resolve(baseDir, file!) };
  return Object.freeze({
    destination: Object.freeze(destination),
    table: config.table ?? AUDIT_LOG_DEFAULTS.table,
    bufferSize: config.bufferSize ?? AUDIT_LOG_DEFAULTS.bufferSize,
  });
}
