import type { LockSession } from '../locks/app-lock.js';
import type { KnexHistory } from './knex-history.js';
import type { Ledger, LedgerRow, LedgerShape } from '../ledger.js';
import { knexHistoryError } from '../runner-errors.js';
import type { LedgerKind } from '../ledger-kind.js';
import { findOtherAppHistory, otherAppHistoryError } from './other-app-history.js';
import type { ScriptList } from '../scripts/script-source.js';
import type { SqlExecutor } from '../sql-executor.js';

/** How `apply` treats knex's ledger: as configured, or only importing it (`baseline --from-knex`). */
export type KnexMode = 'configured' | 'import-only';

/** What the read-only checks found: the ledger's shape, and its rows when they were read on the way. */
export interface LedgerPrecheck {
  readonly shape: LedgerShape;
  readonly rows: LedgerRow[] | undefined;
}

/**
 * The read-only checks before the ledger table is created: a table of the ledger's name that is not a
 * ledger, or knex's history met without a decision, must stop a run before anything is written.
 * Resolves the ledger's shape and the app's rows when it read them (once, whichever check needed them).
 */
export async function precheckLedger(
  sql: SqlExecutor,
  ledger: Ledger,
  history: KnexHistory | undefined,
  catalog: ScriptList,
  mode: KnexMode,
  appName: string,
  kind: LedgerKind,
): Promise<LedgerPrecheck> {
  // An app with history in a current table (every run after the first) is told by one read.
  const known = await ledger.readIfCurrent(sql);
  if (known !== undefined) {
    if (mode === 'import-only' && history !== undefined) throw knexHistoryError(appName, 'has-history', undefined);
    return { shape: 'current', rows: known };
  }
  const shape = await ledger.inspect(sql);
  let rows: LedgerRow[] | undefined;
  const read = async () => (rows ??= await ledger.read(sql));
  // The same project under another name (moved folder, new package name) must not run its migrations
  // again. Seeds are not checked: two apps seeding one database with the same files is a normal setup.
  if (kind.section === 'migrations' && shape !== 'missing' && (await read()).length === 0) {
    const other = findOtherAppHistory(await ledger.readOthers(sql), catalog);
    if (other !== undefined) throw otherAppHistoryError(appName, kind, ledger.tableName, other);
  }
  const decision = mode === 'import-only' ? true : history?.options.import;
  if (history === undefined || decision === false) return { shape, rows };
  if (shape !== 'missing' && (await read()).length > 0) {
    if (mode === 'import-only') throw knexHistoryError(appName, 'has-history', undefined);
    return { shape, rows };
  }
  const knexRows = await history.read(sql);
  if (knexRows === null) {
    if (mode === 'import-only') throw knexHistoryError(appName, 'no-knex-ledger', history.options.tableName);
    return { shape, rows };
  }
  if (decision === undefined) throw history.undecidedError(knexRows.length);
  history.match(knexRows, catalog);
  return { shape, rows };
}

/** Under the lock, with the ledger empty: records knex's applied migrations in one transaction, if so configured. */
export async function importKnexHistory(
  session: LockSession,
  ledger: Ledger,
  history: KnexHistory | undefined,
  catalog: ScriptList,
  mode: KnexMode,
): Promise<string[]> {
  if (history === undefined || (mode === 'configured' && history.options.import !== true)) return [];
  return session.unit(async (_db, sql) => {
    const rows = await history.read(sql);
    if (rows === null) return [];
    const matched = history.match(rows, catalog);
    // knex's own time: status then says when the migration really ran, not when it was imported.
    for (const { entry, batch, appliedAt } of matched)
      await ledger.insert(sql, { name: entry.name, batch, checksum: entry.checksum, origin: 'imported', appliedAt });
    return matched.map(({ entry }) => entry.name);
  }, true);
}
