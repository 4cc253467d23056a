import type { Knex } from 'knex';
import { KnexusError } from '../errors.js';
import type { ClientName } from '../clients.js';
import { dialectOf } from '../dialects/dialect-of.js';
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
 * `config.transaction = false` anywhere, and every file on MySQL/MariaDB, which commits DDL (and
 * statements such as LOCK TABLES or START TRANSACTION) at once.
 */
export function atRisk(client: ClientName, transactional: boolean): boolean {
  return !transactional || dialectOf(client).implicitCommits;
}

/** What the database may look like after `file` failed, in words for error messages and CLI hints. */
export function stateHint(transactional: boolean, dirty: boolean, section: string, appName: string, file: string): string {
  // Not dirty: it ran in a transaction that took everything back (on MySQL: one that ran no statement that commits).
  if (!dirty) return `${file} ran in a transaction, so nothing of it was applied: fix it, then run it again.`;
  const why = transactional
    ? 'MySQL/MariaDB commit at once on DDL and on other statements (START TRANSACTION, LOCK TABLES, SET PASSWORD…), so the statements before the failure may stay applied'
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
      `outside a transaction that could undo it${dialectOf(client).implicitCommits ? `; ${dialectOf(client).label} commit DDL and some other statements at once` : ''}), so the database ` +
      `may be partly changed. Nothing more runs until you check it, finish or undo ${first} by hand, and call ` +
      `registry.repair('${appName}', { ${option}: '${first}', resolution: 'applied' | 'rolled-back' }).`,
    {
      appName,
      client,
      file: first,
      details: {
        files,
        section: kind.section,
        hint: `knexus repair ${appName} --${option} ${first} --resolution applied|rolled-back, once the database is checked`,
      },
    },
  );
}

// Statements that never commit on MySQL/MariaDB, whatever they touch: reads, row changes, user
// variables, savepoints. Anything else may commit the open transaction at once: DDL, but also
// LOCK TABLES, START TRANSACTION, SET PASSWORD, SET autocommit, CALL, GRANT…
const NEVER_COMMITS =
  /^\s*(select|insert|update|delete|replace|with|show|describe|desc|explain|set\s+@(?!@)|savepoint|release\s+savepoint|rollback\s+to\b)/i;
// The transaction statements knex itself runs around a unit: its BEGIN first, its ROLLBACK last.
const KNEX_BEGIN = /^\s*begin\s*;?\s*$/i;
const PLAIN_ROLLBACK = /^\s*rollback\s*;?\s*$/i;
// Several statements in one string (a connection with multipleStatements): only the first is seen here.
const SECOND_STATEMENT = /;\s*\S/;

/**
 * Watches the statements `knex` runs while a transactional unit runs on MySQL/MariaDB, to tell whether
 * a failed unit provably left nothing behind. It did only if every statement is one that never commits,
 * apart from knex's own BEGIN before the file and ROLLBACK after it: a file that ran anything else (not
 * only DDL: `START TRANSACTION`, `LOCK TABLES`, `SET PASSWORD`… commit implicitly, and a ROLLBACK of its
 * own lets later statements autocommit) may have committed part of its work, so it stays dirty.
 *
 * Not covered: row changes to tables of a non-transactional engine (MyISAM), which no rollback undoes.
 */
export function watchStatements(knex: Knex): { readonly mayHaveCommitted: () => boolean; stop(): void } {
  let risky = false;
  let begun = false;
  let rolledBack = false;
  const listener = (data: { sql?: unknown }) => {
    const sql = data.sql;
    if (typeof sql !== 'string') return;
    // Anything after a plain ROLLBACK ran outside the unit's transaction (a second ROLLBACK included).
    if (rolledBack) risky = true;
    else if (!begun && KNEX_BEGIN.test(sql)) begun = true;
    else if (PLAIN_ROLLBACK.test(sql)) rolledBack = true;
    else if (!NEVER_COMMITS.test(sql) || SECOND_STATEMENT.test(sql)) risky = true;
  };
  knex.on('query', listener);
  return { mayHaveCommitted: () => risky, stop: () => void knex.removeListener('query', listener) };
}
