import { KnexusError } from '../errors.js';
import type { LedgerRow } from './ledger.js';

/** Which applied files a rollback undoes; `all` wins over `to`, then `batch`, then `step`. Default: the last batch. */
export interface RollbackSelection {
  /** Undo every file applied after `to` and `to` itself (file name, extension optional), newest first. */
  readonly to?: string | undefined;
  /** Undo exactly this batch. */
  readonly batch?: number | undefined;
  /** Undo the last `step` files, across batches. */
  readonly step?: number | undefined;
  /** Undo the app's whole history. */
  readonly all?: boolean | undefined;
}

/** The rows a rollback undoes, newest first; throws `KNEXUS_ERR_INVALID_CONFIG` for a non-positive `batch` or `step`. */
export function selectRollback(
  rows: readonly LedgerRow[],
  selection: RollbackSelection,
  context: { appName: string; stepOption: string },
): LedgerRow[] {
  const newestFirst = [...rows].reverse();
  if (selection.all === true) return newestFirst;
  if (selection.to !== undefined) {
    const to = selection.to;
    const index = newestFirst.findIndex((row) => row.name === to || row.name.slice(0, row.name.lastIndexOf('.')) === to);
    if (index < 0) {
      throw new KnexusError('KNEXUS_ERR_MIGRATION_NOT_FOUND', `App '${context.appName}' has no applied file named ${to} to roll back to.`, {
        appName: context.appName,
        file: to,
        direction: 'down',
        details: { applied: rows.map((row) => row.name) },
      });
    }
    return newestFirst.slice(0, index + 1);
  }
  if (selection.batch !== undefined) {
    const batch = positiveInteger(selection.batch, 'batch', context.appName);
    return newestFirst.filter((row) => row.batch === batch);
  }
  if (selection.step !== undefined) return newestFirst.slice(0, positiveInteger(selection.step, context.stepOption, context.appName));
  const last = newestFirst[0]?.batch;
  return newestFirst.filter((row) => row.batch === last);
}

function positiveInteger(value: number, field: string, appName: string): number {
  if (Number.isInteger(value) && value > 0) return value;
  throw new KnexusError(
    'KNEXUS_ERR_INVALID_CONFIG',
    `Rollback option ${field} of app '${appName}' must be a positive integer, got ${String(value)}.`,
    {
      appName,
      field,
    },
  );
}
