import { createHash } from 'node:crypto';

/** The SHA-256 of a file's bytes as 64 lowercase hex characters, the form the ledgers record. */
export function checksum(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
