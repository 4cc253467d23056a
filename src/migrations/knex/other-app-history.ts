import { KnexusError } from '../../errors.js';
import type { LedgerKind } from '../ledger-kind.js';
import type { ScriptList } from '../scripts/script-source.js';

/** Another app's rows of the shared ledger: name and checksum of each file it applied. */
export interface ForeignRow {
  readonly app: string;
  readonly name: string;
  readonly checksum: string;
}

/** An app whose whole history is this app's own files (same names, same checksums). */
export interface OtherAppHistory {
  readonly app: string;
  readonly applied: readonly string[];
}

/**
 * The app, if any, under whose name this app's files were already applied: every row it has names one
 * of this app's files with the same checksum. That is the same project under another name (its folder
 * moved, its name changed), not a neighbour: two apps sharing one ledger with the very same files would
 * create the same tables.
 */
export function findOtherAppHistory(rows: readonly ForeignRow[], catalog: ScriptList): OtherAppHistory | undefined {
  const byApp = new Map<string, ForeignRow[]>();
  for (const row of rows) byApp.set(row.app, [...(byApp.get(row.app) ?? []), row]);
  for (const [app, own] of byApp) {
    if (own.every((row) => catalog.byName.get(row.name)?.checksum === row.checksum.trim()))
      return { app, applied: own.map((row) => row.name) };
  }
  return undefined;
}

/** The refusal to run an app's files again when another app name holds their history. */
export function otherAppHistoryError(appName: string, kind: LedgerKind, table: string, other: OtherAppHistory): KnexusError {
  return new KnexusError(
    'KNEXUS_ERR_HISTORY_UNDER_OTHER_APP',
    `App '${appName}' has no ${kind.noun} history in ${table}, but app '${other.app}' has applied ${other.applied.length} of its ` +
      `${kind.noun}s (same names and checksums): this is the same project under another name, and running them again would fail ` +
      `halfway. Nothing was changed. Keep the old name (knexus: { name: '${other.app}' } in the knexfile, package.json "name", or ` +
      `--app ${other.app}), or move its history to the new name: update ${table} set app = '${appName}' where app = '${other.app}' ` +
      `(and the same in the seed ledger). If '${other.app}' really is another project that shares these files, give this app a ` +
      `ledger of its own (${kind.section}.tableName).`,
    {
      appName,
      field: `${kind.section}.tableName`,
      details: {
        otherApp: other.app,
        applied: other.applied,
        table,
        hint: `Name the app '${other.app}' (knexus: { name: '${other.app}' } in the knexfile, or --app ${other.app}), or rename its ledger rows as the message says.`,
      },
    },
  );
}
