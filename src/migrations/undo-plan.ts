import { KnexusError } from '../errors.js';
import type { LedgerKind } from './ledger-kind.js';
import type { Script, ScriptStep } from './scripts/read-script.js';
import { fileFailure } from './runner-errors.js';
import type { ScriptEntry, ScriptList } from './scripts/script-source.js';

/** How one applied file is undone: its undo step (none: irreversible) and whether it runs in a transaction. */
export interface UndoPlan {
  readonly name: string;
  readonly undo: ScriptStep | undefined;
  readonly transactional: boolean;
}

/**
 * The undo of an applied file. A file gone from disk, or one without an undo export, stops a migration
 * rollback before anything runs; for seeds it is reported as irreversible (`kind.missingUndo`).
 */
export async function undoPlan(
  name: string,
  catalog: ScriptList,
  kind: LedgerKind,
  appName: string,
  load: (file: ScriptEntry) => Promise<Script>,
): Promise<UndoPlan> {
  const file = catalog.byName.get(name);
  if (file === undefined) {
    if (kind.missingUndo === 'report') return { name, undo: undefined, transactional: true };
    throw new KnexusError(
      'KNEXUS_ERR_MIGRATION_NOT_FOUND',
      `Cannot roll back ${kind.noun} ${name} of app '${appName}': its file is no longer in ${kind.section}.directory. Restore it to undo it.`,
      { appName, file: name, direction: 'down' },
    );
  }
  const script = await load(file);
  if (script.undo === undefined && kind.missingUndo === 'require') {
    throw fileFailure(kind, appName, name, 'down', undefined, { reason: `${name} exports no ${kind.undoExports.join(' or ')} function` });
  }
  return { name, undo: script.undo, transactional: script.transactional };
}
