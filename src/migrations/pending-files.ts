import { KnexusError } from '../errors.js';
import type { LedgerEntry } from './ledger-types.js';
import type { ScriptEntry, ScriptList } from './scripts/script-source.js';

/** The listed files the ledger does not record yet, in apply order. */
export function pendingFiles(rows: readonly Pick<LedgerEntry, 'name'>[], catalog: ScriptList): ScriptEntry[] {
  const done = new Set(rows.map((row) => row.name));
  return catalog.files.filter((file) => !done.has(file.name));
}

/**
 * `pending` up to and including `to` (a file name, extension optional), or all of it without `to`;
 * throws `KNEXUS_ERR_MIGRATION_NOT_FOUND` when no pending file has that name.
 */
export function pendingUpTo(pending: ScriptEntry[], to: string | undefined, appName: string, noun: string): ScriptEntry[] {
  if (to === undefined) return pending;
  const index = pending.findIndex((file) => file.name === to || file.name.slice(0, file.name.lastIndexOf('.')) === to);
  if (index >= 0) return pending.slice(0, index + 1);
  throw new KnexusError(
    'KNEXUS_ERR_MIGRATION_NOT_FOUND',
    `App '${appName}' has no pending ${noun} named ${to}; \`to\` must name a file that is not applied yet.`,
    { appName, file: to, direction: 'up', details: { pending: pending.map((file) => file.name) } },
  );
}

/** The batch after the newest one recorded. */
export const nextBatch = (rows: readonly Pick<LedgerEntry, 'batch'>[]): number =>
  rows.reduce((max, row) => Math.max(max, row.batch), 0) + 1;
