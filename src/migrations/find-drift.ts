import type { ScriptList } from './script-source.js';
import type { DriftEntry, LedgerEntry } from './ledger-types.js';

/** Applied files whose checksum no longer matches the file on disk, or whose file is gone. */
export function findDrift(applied: readonly LedgerEntry[], catalog: ScriptList): DriftEntry[] {
  const drifted: DriftEntry[] = [];
  for (const entry of applied) {
    const current = catalog.byName.get(entry.name)?.checksum ?? null;
    if (current !== entry.checksum) drifted.push(Object.freeze({ name: entry.name, recorded: entry.checksum, current }));
  }
  return drifted;
}
