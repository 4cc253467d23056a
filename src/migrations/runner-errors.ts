import { KnexusError, errorMessage } from '../errors.js';
import type { LedgerKind } from './ledger-kind.js';
import type { DriftEntry } from './ledger-types.js';

/** `KNEXUS_ERR_CHECKSUM_DRIFT`: applied files changed or vanished, under the `error` drift policy. */
export function driftError(appName: string, kind: LedgerKind, drifted: readonly DriftEntry[]): KnexusError {
  const { noun, section } = kind;
  const files = drifted.map((entry) => entry.name);
  return new KnexusError(
    'KNEXUS_ERR_CHECKSUM_DRIFT',
    `App '${appName}' has applied ${noun} files that changed or vanished since they ran: ${files.join(', ')}. ` +
      `Restore them, or set ${section}.drift to 'warn' to proceed anyway.`,
    { appName, details: { files, drifted } },
  );
}

/** `KNEXUS_ERR_KNEX_HISTORY` for an explicit import (`baseline --from-knex`) that has nothing to import into, or from. */
export function knexHistoryError(appName: string, why: 'has-history' | 'no-knex-ledger', knexTable: string | undefined): KnexusError {
  if (why === 'has-history') {
    return new KnexusError(
      'KNEXUS_ERR_KNEX_HISTORY',
      `App '${appName}' already has knexus migration history; knex's history is only imported into an empty one.`,
      { appName, field: 'migrations.importKnexHistory' },
    );
  }
  return new KnexusError(
    'KNEXUS_ERR_KNEX_HISTORY',
    `App '${appName}' found no applied migrations in knex's ledger ${knexTable} to import. Check migrations.knexTableName.`,
    { appName, field: 'migrations.knexTableName', details: { knexTable } },
  );
}

/** The kind's failure code (`KNEXUS_ERR_MIGRATION_FAILED`, `KNEXUS_ERR_SEED_FAILED`) for one file, with the database error as cause. */
export function fileFailure(
  kind: LedgerKind,
  appName: string,
  file: string,
  direction: 'up' | 'down',
  cause: unknown,
  details: Record<string, unknown>,
): KnexusError {
  const { noun } = kind;
  const reason = cause === undefined ? String(details['reason']) : errorMessage(cause);
  return new KnexusError(
    kind.failure,
    `${noun[0]?.toUpperCase()}${noun.slice(1)} ${file} (${direction}) failed for app '${appName}': ${reason}`,
    { appName, file, direction, details },
    cause,
  );
}
