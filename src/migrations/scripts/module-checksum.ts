import { checksum } from './checksum.js';
import type { ModuleExports } from './module-loader.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * A SHA-256 of what a migration module does, for sources that name no file: every export (and every
 * property of a default-exported object) by key, functions by their source text, other values as JSON.
 * Editing an `up` or `down` body, or its `config`, changes it; reformatting outside the functions does not.
 */
export function moduleChecksum(exports: ModuleExports): string {
  const parts: string[] = [];
  const add = (prefix: string, record: Readonly<Record<string, unknown>>): void => {
    for (const key of Object.keys(record).sort()) {
      const value = record[key];
      if (prefix === '' && key === 'default' && isRecord(value)) add('default.', value);
      else parts.push(`${prefix}${key}=${describe(value)}`);
    }
  };
  add('', exports);
  return checksum(new TextEncoder().encode(parts.join('\n')));
}

function describe(value: unknown): string {
  if (typeof value === 'function') return value.toString();
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
