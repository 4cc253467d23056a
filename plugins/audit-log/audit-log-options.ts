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

const KNOWN = ['app', 'database', 'file', 'table', 'bufferSize'] as const;
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

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

/** Validates `config` (throwing a KNEXUS_ERR_PLUGIN_CONFIG_INVALID error naming the field) and resolves it. */
export function resolveAuditLogOptions(config: unknown, baseDir: string): ResolvedAuditLogOptions {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw invalid('config', 'must be an object');
  const input = config as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(KNOWN as readonly string[]).includes(key)) throw invalid(key, `is not an audit-log option (expected one of: ${KNOWN.join(', ')})`);
  }
  const given = (['app', 'database', 'file'] as const).filter((key) => input[key] !== undefined);
  if (given.length !== 1) {
    throw invalid(
      given.length === 0 ? 'app' : given.join('/'),
      given.length === 0
        ? "is missing: give exactly one destination, e.g. { app: 'audit' }, { database: { client, connection } } or { file: './data/audit.jsonl' }"
        : 'are exclusive: give exactly one destination',
    );
  }
  let destination: AuditDestination;
  const { app, database, file } = input;
  if (app !== undefined) {
    if (typeof app !== 'string' || app.trim() === '') throw invalid('app', 'must be the name of a registered app');
    destination = { kind: 'app', app };
  } else if (database !== undefined) {
    if (database === null || typeof database !== 'object' || typeof (database as Knex.Config).client !== 'string') {
      throw invalid('database', "must be a knex config with a 'client', e.g. { client: 'better-sqlite3', connection: { filename } }");
    }
    destination = { kind: 'database', database: withAbsoluteFilename(database as Knex.Config, baseDir) };
  } else {
    if (typeof file !== 'string' || file.trim() === '') throw invalid('file', "must be a file path, e.g. './data/audit.jsonl'");
    destination = { kind: 'file', file: isAbsolute(file) ? file : resolve(baseDir, file) };
  }
  const table = input['table'] ?? AUDIT_LOG_DEFAULTS.table;
  if (typeof table !== 'string' || !SQL_IDENTIFIER.test(table)) {
    throw invalid('table', "must be a plain SQL identifier (letters, digits, '_'; at most 63 characters)");
  }
  const bufferSize = input['bufferSize'] ?? AUDIT_LOG_DEFAULTS.bufferSize;
  if (typeof bufferSize !== 'number' || !Number.isInteger(bufferSize) || bufferSize < 0) {
    throw invalid('bufferSize', 'must be a non-negative integer');
  }
  return Object.freeze({ destination: Object.freeze(destination), table, bufferSize });
}
