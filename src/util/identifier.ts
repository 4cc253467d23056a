import { KnexusError } from '../errors.js';

const APP_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_BYTES = 63;

/** Throws KNEXUS_ERR_INVALID_NAME unless `name` is a usable app name (letters, digits, `_`, `-`; at most 63 bytes). */
export function assertAppName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !APP_NAME.test(name) || Buffer.byteLength(name) > MAX_BYTES) {
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_NAME',
      `Invalid app name ${describe(name)}: use letters, digits, '_' or '-', starting with a letter or '_', at most ${MAX_BYTES} bytes`,
      { field: 'appName' },
    );
  }
}

/** Throws KNEXUS_ERR_INVALID_NAME unless `value` is a plain SQL identifier (no quotes, dots or spaces; at most 63 bytes). */
export function assertSqlIdentifier(value: unknown, field: string, appName?: string): asserts value is string {
  if (typeof value !== 'string' || !SQL_IDENTIFIER.test(value) || Buffer.byteLength(value) > MAX_BYTES) {
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_NAME',
      `Invalid ${field} ${describe(value)}: use letters, digits and '_', starting with a letter or '_', at most ${MAX_BYTES} bytes`,
      appName === undefined ? { field } : { field, appName },
    );
  }
}

/**
 * Throws KNEXUS_ERR_INVALID_NAME unless `value` is a schema name PostgreSQL accepts: a plain identifier
 * not starting with `pg_`, a prefix PostgreSQL reserves for its own schemas.
 */
export function assertSchemaName(value: unknown, appName?: string): asserts value is string {
  assertSqlIdentifier(value, 'schema', appName);
  if (/^pg_/i.test(value)) {
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_NAME',
      `Invalid schema ${describe(value)}: PostgreSQL reserves names starting with 'pg_' for its own schemas`,
      {
        field: 'schema',
        ...(appName === undefined ? {} : { appName }),
      },
    );
  }
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`;
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}
