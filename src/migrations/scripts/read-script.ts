import type { Knex } from 'knex';
import { KnexusError } from '../../errors.js';
import type { LedgerKind } from '../ledger-kind.js';
import type { ModuleExports } from './module-loader.js';

/** A step of a migration or seed file. */
export type ScriptStep = (knex: Knex, context?: unknown) => unknown;

/** A migration or seed file reduced to what the runner calls. */
export interface Script {
  readonly apply: ScriptStep;
  readonly undo: ScriptStep | undefined;
  /** False when the file exports `config = { transaction: false }`, or under `disableTransactions` unless it exports `transaction: true`. */
  readonly transactional: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Reads an export by name from the module namespace, or from its default-exported object (CommonJS, `export default {…}`). */
function pick(exports: ModuleExports, name: string): unknown {
  if (exports[name] !== undefined) return exports[name];
  const fallback = exports['default'];
  return isRecord(fallback) ? fallback[name] : undefined;
}

function pickStep(exports: ModuleExports, names: readonly string[]): ScriptStep | undefined {
  for (const name of names) {
    const value = pick(exports, name);
    if (typeof value === 'function') return value as ScriptStep;
  }
  return undefined;
}

/** The apply/undo functions and transaction setting of a loaded file; throws `KNEXUS_ERR_MODULE_LOAD` without an apply export. */
export function readScript(
  exports: ModuleExports,
  kind: LedgerKind,
  context: { appName: string; file: string; path: string },
  disableTransactions = false,
): Script {
  const apply = pickStep(exports, kind.applyExports);
  if (apply === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_MODULE_LOAD',
      `${context.file} of app '${context.appName}' exports no ${kind.applyExports.join(' or ')} function; ` +
        `is it a ${kind.noun} file, and is it in the right ${kind.section}.directory?`,
      { appName: context.appName, file: context.file, resolvedPath: context.path },
    );
  }
  const config = pick(exports, 'config');
  // knex's rule: a file's own `config.transaction` wins, otherwise `disableTransactions` decides.
  const own = isRecord(config) ? config['transaction'] : undefined;
  return { apply, undo: pickStep(exports, kind.undoExports), transactional: typeof own === 'boolean' ? own : !disableTransactions };
}
