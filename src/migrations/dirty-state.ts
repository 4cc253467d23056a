import type { Knex } from 'knex';
import { KnexusError } from '../errors.js';
import type { ClientName } from '../clients.js';
import type { LedgerKind } from './ledger-kind.js';
import type { LedgerRow } from './ledger.js';

/** How a human settles a dirty ledger entry after checking the database: it `applied` fully, or it is `rolled-back` (undone). */
export const REPAIR_RESOLUTIONS = ['applied', 'rolled-back'] as const;
/** A repair resolution. */
export type RepairResolution = (typeof REPAIR_RESOLUTIONS)[number];

/** What a repair changed in the ledger. */
export interface RepairResult {
  readonly file: string;
  readonly resolution: RepairResolution;
  /** The batch the file keeps (`applied`), or null when it left the ledger (`rolled-back`). */
  readonly batch: number | null;
}

/** True for a ledger row marked *started* but never finished. */
export const isDirty = (row: Pick<LedgerRow, 'batch'>): boolean => row.batch < 0;

/**
 * Whether a failed or killed file may leave part of its changes behind: files with
 * `config.transaction = false` anywhere, and every file on MySQL/MariaDB, which commits DDL at once.
 */
export function atRisk(client: ClientName, transactional: boolean): boolean {
  return !transactional || client === 'mysql2';
}

/** What the database may look like after `file` failed, in words for error messages and CLI hints. */
export function stateHint(transactional: boolean, dirty: boolean, section: string, appName: string, file: string): string {
  // Not dirty: it ran in a transaction that took everything back (on MySQL: one that ran no DDL).
  if (!dirty) return `${file} ran in a transaction, so nothing of it was applied: fix it, then run it again.`;
  const why = transactional
    ? 'MySQL/MariaDB commit each DDL statement at once, so the statements before the failure stay applied'
    : 'it runs outside a transaction (config.transaction = false), so the statements before the failure stay applied';
  const option = section === 'seeds' ? 'seed' : 'migration';
  return (
    `${file} may be partly applied: ${why}. The app is marked dirty until you check the database, finish or undo ` +
    `${file} by hand, then run registry.repair('${appName}', { ${option}: '${file}', resolution: 'applied' | 'rolled-back' }) ` +
    `(CLI: knexus repair ${appName} --${option} ${file} --resolution applied|rolled-back).`
  );
}

/** KNEXUS_ERR_LEDGER_DIRTY for an app whose ledger has files started but never finished. */
export function dirtyError(kind: LedgerKind, appName: string, client: ClientName, rows: readonly LedgerRow[]): KnexusError {
  const files = rows.map((row) => row.name);
  const option = kind.section === 'seeds' ? 'seed' : 'migration';
  const first = files[0] ?? '?';
  return new KnexusError(
    'KNEXUS_ERR_LEDGER_DIRTY',
    `App '${appName}' has ${kind.noun} ${files.join(', ')} recorded as started but never finished (it failed or its process died ` +
      `outside a transaction that could undo it${client === 'mysql2' ? '; MySQL/MariaDB commit DDL at once' : ''}), so the database ` +
      `may be partly changed. Nothing more runs until you check it, finish or undo ${first} by hand, and call ` +
      `registry.repair('${appName}', { ${option}: '${first}', resolution: 'applied' | 'rolled-back' }).`,
    {
      appName,
      client,
      file: first,
      details: { files, section: kind.section, hint: `knexus repair ${appName} --${option} ${first} --resolution applied|rolled-back, once the database is checked` },
    },
  );
}

const READ_OR_TRANSACTION = /^\s*(select|insert|update|delete|replace|with|savepoint|release|rollback|commit|begin|start|set|show|pragma)\b/i;

/**
 * Notes whether `knex` ran a statement a rollback cannot undo on MySQL (DDL) while a unit runs: a
 * transactional file that failed before any such statement left nothing behind, so it need not stay dirty.
 */
export function watchStatements(knex: Knex): { readonly sawDdl: () => boolean; stop(): void } {
  let ddl = false;
  const listener = (data: { sql?: unknown }) => {
    if (typeof data.sql === 'string' && !READ_OR_TRANSACTION.test(data.sql)) ddl = true;
  };
  knex.on('query', listener);
  return { sawDdl: () => ddl, stop: () => void knex.removeListener('query', listener) };
}
