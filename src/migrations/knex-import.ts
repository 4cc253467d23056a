import type { LockSession } from './app-lock.js';
import type { KnexHistory } from './knex-history.js';
import type { Ledger, LedgerShape } from './ledger.js';
import { knexHistoryError } from './runner-errors.js';
import type { LedgerKind } from './ledger-kind.js';
import { findOtherAppHistory, otherAppHistoryError } from './other-app-history.js';
import type { ScriptList } from './script-source.js';
import type { SqlExecutor } from './sql-executor.js';

/** How `apply` treats knex's ledger: as configured, or only importing it (`baseline --from-knex`). */
export type KnexMode = 'configured' | 'import-only';

/**
 * The read-only checks before the lock: a table of the ledger's name that is not a ledger, or knex's
 * history met without a decision, must stop a run before the lock or the ledger table is created.
 * Resolves the ledger's shape.
 */
export async function precheckLedger(
  sql: SqlExecutor,
  ledger: Ledger,
  history: KnexHistory | undefined,
  catalog: ScriptList,
  mode: KnexMode,
  appName: string,
  kind: LedgerKind,
): Promise<LedgerShape> {
  const shape = await ledger.inspect(sql);
  // The same project under another name (moved folder, new package name) must not run its migrations
  // again. Seeds are not checked: two apps seeding one database with the same files is a normal setup.
  if (kind.section === 'migrations' && shape !== 'missing' && (await ledger.read(sql)).length === 0) {
    const other = findOtherAppHistory(await ledger.readOthers(sql), catalog);
    if (other !== undefined) throw otherAppHistoryError(appName, kind, ledger.tableName, other);
  }
  const decision = mode === 'import-only' ? true : history?.options.import;
  if (history === undefined || decision === false) return shape;
  if (shape !== 'missing' && (await ledger.read(sql)).length > 0) {
    if (mode === 'import-only') throw knexHistoryError(appName, 'has-history', undefined);
    return shape;
  }
  const knexRows = await history.read(sql);
  if (knexRows === null) {
    if (mode === 'import-only') throw knexHistoryError(appName, 'no-knex-ledger', history.options.tableName);
    return shape;
  }
  if (decision === undefined) throw history.undecidedError(knexRows.length);
  history.match(knexRows, catalog);
  return shape;
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
    for (const { entry, batch, appliedAt } of matched) await ledger.insert(sql, { name: entry.name, batch, checksum: entry.checksum, origin: 'imported', appliedAt });
    return matched.map(({ entry }) => entry.name);
  }, true);
}
