import type { ScriptList } from './scripts/script-source.js';
import type { DriftEntry, LedgerEntry } from './ledger-types.js';

/**
 * Applied files whose checksum no longer matches the file on disk, or whose file is gone. Rows in id
 * order; the unknown rows at the end of the ledger are not drift but newer code's migrations (see `findAhead`).
 */
export function findDrift(applied: readonly LedgerEntry[], catalog: ScriptList): DriftEntry[] {
  const drifted: DriftEntry[] = [];
  const aheadFrom = applied.length - findAhead(applied, catalog).length;
  for (const [index, entry] of applied.entries()) {
    if (index >= aheadFrom) break;
    const current = catalog.byName.get(entry.name)?.checksum ?? null;
    if (current !== entry.checksum) drifted.push(Object.freeze({ name: entry.name, recorded: entry.checksum, current }));
  }
  return drifted;
}

/**
 * Applied files this code does not know that were applied after every file it does know: a newer
 * replica migrated the database first. An old replica keeps serving such a ledger; only a changed or
 * missing older file is drift.
 */
export function findAhead(applied: readonly Pick<LedgerEntry, 'name'>[], catalog: ScriptList): string[] {
  let start = applied.length;
  while (start > 0 && !catalog.byName.has(applied[start - 1]!.name)) start--;
  // A ledger with no known file at all is not "ahead": it is another history, and every row of it is drift.
  if (start === 0) return [];
  return applied.slice(start).map((entry) => entry.name);
}
