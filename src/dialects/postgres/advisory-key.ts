import { createHash } from 'node:crypto';

/**
 * A signed 64-bit PostgreSQL advisory lock key (decimal string) derived from `parts`.
 *
 * Advisory keys are a single shared number space per database, so the key is a hash of everything that
 * identifies the lock (schema, table, app) rather than a counter that two processes could disagree on.
 */
export function advisoryKey(...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  return digest.readBigInt64BE(0).toString();
}
