import type { Knex } from 'knex';
import type { Dialect } from '../dialects/dialect.js';
import { dialectOf } from '../dialects/dialect-of.js';
import type { ClientName } from '../clients.js';
import { findAhead, findDrift } from '../migrations/find-drift.js';
import type { LedgerEntry } from '../migrations/ledger-types.js';
import { pendingFiles } from '../migrations/pending-files.js';
import type { ScriptList } from '../migrations/scripts/script-source.js';
import { pagesOf } from './tenant-list.js';

/** What a tenant's ledger says compared with this replica's files, worst first. */
export const LEDGER_VERDICTS = ['invalid', 'unreachable', 'missing', 'dirty', 'drifted', 'behind', 'ahead', 'current'] as const;
/**
 * `invalid`: the name is not a schema name; `unreachable`: its server does not answer; `missing`: no such schema; `dirty`: a file started and never
 * finished; `drifted`: an applied older file changed or is gone; `behind`: files pending; `ahead`: newer
 * code applied files this replica does not have (served); `current`: nothing to do.
 */
export type LedgerVerdict = (typeof LEDGER_VERDICTS)[number];

/** One tenant that is not `current`. */
export interface TenantVerdict {
  readonly name: string;
  readonly verdict: LedgerVerdict;
  readonly pending: readonly string[];
  readonly drifted: readonly string[];
  readonly ahead: readonly string[];
  readonly dirty: readonly string[];
}

/** What `registry.tenants.check()` resolves with. */
export interface FleetCheckResult {
  /** True when no tenant is invalid, missing, dirty, drifted or behind. */
  readonly ok: boolean;
  readonly total: number;
  readonly counts: Readonly<Record<LedgerVerdict, number>>;
  /** Every tenant that is not `current`, in list order. */
  readonly tenants: readonly TenantVerdict[];
  readonly durationMs: number;
}

/** Where the fleet's ledgers are and what this replica's files are. */
export interface FleetLedgers {
  readonly knex: Knex;
  readonly client: ClientName;
  readonly tableName: string;
  readonly catalog: ScriptList;
  /** Tenants per round trip; default 500. */
  readonly pageSize?: number;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Every tenant's verdict, a page at a time, in three round trips per page of tenants (schemas present,
 * ledger tables present, one UNION ALL over the ledgers) instead of a registration per tenant.
 */
export async function* checkPages(names: AsyncIterable<string>, ledgers: FleetLedgers): AsyncGenerator<readonly TenantVerdict[]> {
  for await (const page of pagesOf(names, ledgers.pageSize ?? 500)) yield await checkPage(page, ledgers);
}

/** The tenants of a server that did not answer: each `unreachable`. */
export function unreachable(names: readonly string[]): readonly TenantVerdict[] {
  return names.map((name) => verdictOf(name, 'unreachable'));
}

/** A check result from every page of verdicts: counts, and the tenants that are not current in page order. */
export async function summarizeCheck(pages: AsyncIterable<readonly TenantVerdict[]>): Promise<FleetCheckResult> {
  const started = performance.now();
  const counts = Object.fromEntries(LEDGER_VERDICTS.map((verdict) => [verdict, 0])) as Record<LedgerVerdict, number>;
  const tenants: TenantVerdict[] = [];
  let total = 0;
  for await (const page of pages) {
    for (const verdict of page) {
      total++;
      counts[verdict.verdict]++;
      if (verdict.verdict !== 'current') tenants.push(verdict);
    }
  }
  return Object.freeze({
    ok: counts.current + counts.ahead === total,
    total,
    counts: Object.freeze(counts),
    tenants: Object.freeze(tenants),
    durationMs: performance.now() - started,
  });
}

async function checkPage(page: readonly string[], ledgers: FleetLedgers): Promise<TenantVerdict[]> {
  const { knex, client, tableName, catalog } = ledgers;
  const dialect = dialectOf(client);
  const valid = page.filter((name) => SCHEMA_NAME.test(name) && !dialect.isSystemSchema(name));
  const schemas = valid.length === 0 ? new Set<string>() : await namesFound(knex, dialect, dialect.existingSchemasSql(valid.length), valid);
  const present = valid.filter((name) => schemas.has(name));
  const withLedger =
    present.length === 0
      ? new Set<string>()
      : await namesFound(knex, dialect, dialect.schemasWithTableSql(present.length), [tableName, ...present]);
  const rows = await ledgerRows(
    knex,
    dialect,
    tableName,
    present.filter((name) => withLedger.has(name)),
  );
  return page.map((name) => {
    if (!valid.includes(name)) return verdictOf(name, 'invalid');
    if (!schemas.has(name)) return verdictOf(name, 'missing', { pending: catalog.files.map((file) => file.name) });
    return judge(name, rows.get(name) ?? [], catalog);
  });
}

function judge(name: string, applied: readonly LedgerEntry[], catalog: ScriptList): TenantVerdict {
  const dirty = applied.filter((row) => row.batch < 0).map((row) => row.name);
  const clean = applied.filter((row) => row.batch >= 0);
  const drifted = findDrift(clean, catalog).map((entry) => entry.name);
  const pending = pendingFiles(clean, catalog).map((file) => file.name);
  const ahead = findAhead(clean, catalog);
  const verdict: LedgerVerdict =
    dirty.length > 0 ? 'dirty' : drifted.length > 0 ? 'drifted' : pending.length > 0 ? 'behind' : ahead.length > 0 ? 'ahead' : 'current';
  return verdictOf(name, verdict, { pending, drifted, ahead, dirty });
}

function verdictOf(name: string, verdict: LedgerVerdict, lists: Partial<Omit<TenantVerdict, 'name' | 'verdict'>> = {}): TenantVerdict {
  return Object.freeze({
    name,
    verdict,
    pending: lists.pending ?? [],
    drifted: lists.drifted ?? [],
    ahead: lists.ahead ?? [],
    dirty: lists.dirty ?? [],
  });
}

async function namesFound(knex: Knex, dialect: Dialect, sql: string, bindings: readonly string[]): Promise<Set<string>> {
  return new Set(dialect.rows(await knex.raw(sql, bindings)).map((row) => String(row['name'])));
}

/** Every ledger row of these tenants, one UNION ALL; each tenant's rows in id order. */
async function ledgerRows(
  knex: Knex,
  dialect: Dialect,
  tableName: string,
  schemas: readonly string[],
): Promise<Map<string, LedgerEntry[]>> {
  const byTenant = new Map<string, LedgerEntry[]>();
  if (schemas.length === 0) return byTenant;
  const sql = schemas.map(() => 'select app, id, name, batch, checksum from ?? where app = ?').join(' union all ');
  const result = await knex.raw(
    sql,
    schemas.flatMap((schema) => [`${schema}.${tableName}`, schema]),
  );
  const rows = dialect.rows(result) as unknown as { app: string; id: number; name: string; batch: number; checksum: string }[];
  rows.sort((a, b) => (a.app === b.app ? Number(a.id) - Number(b.id) : a.app < b.app ? -1 : 1));
  for (const row of rows) {
    const list = byTenant.get(row.app) ?? [];
    list.push({ name: row.name, batch: Number(row.batch), checksum: row.checksum.trim(), appliedAt: new Date(0), origin: 'run' });
    byTenant.set(row.app, list);
  }
  return byTenant;
}
