import { KnexusError } from '../errors.js';

/**
 * Throws `KNEXUS_ERR_INVALID_CONFIG` naming `field` unless `value` is undefined or an options object:
 * `null`, arrays and primitives are refused before anything is built.
 */
export function assertOptionsObject(value: unknown, field: string, example: string): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new KnexusError('KNEXUS_ERR_INVALID_CONFIG', `${field} must be an options object (or left out), got ${got}; e.g. ${example}`, {
      field,
    });
  }
}
