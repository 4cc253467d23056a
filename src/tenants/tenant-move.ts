import type { Knex } from 'knex';
import type { ClientName } from '../clients.js';
import { dialectOf } from '../dialects/dialect-of.js';
import { KnexusError, toError } from '../errors.js';

/** The steps of a move, in order. */
export const MOVE_STEPS = ['lock', 'copy', 'verify', 'switch', 'drop'] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

/** Options of `registry.tenants.move()`. */
export interface TenantMoveOptions {
  /** Called as each step starts (the CLI shows it). */
  onStep?: (step: MoveStep) => void;
}

/** What a move did. */
export interface TenantMoveReport {
  readonly tenant: string;
  readonly from: string;
  readonly to: string;
  /** False when the tenant already lived on `to`. */
  readonly moved: boolean;
  /** Each step's duration. */
  readonly steps: readonly { readonly step: MoveStep; readonly ms: number }[];
  /** Rows per table, the same on both sides when verified. */
  readonly tables: Readonly<Record<string, number>>;
  /** False when the switch succeeded but the old copy could not be dropped (drop it by hand). */
  readonly oldCopyDropped: boolean;
  readonly durationMs: number;
}

/** One side of a move: a server's owner knex and its raw connection (for the copy tools). */
export interface MoveSide {
  readonly name: string;
  readonly knex: Knex;
  readonly client: ClientName;
  readonly connection: string | Readonly<Record<string, unknown>>;
}

/** What `moveTenant` needs. */
export interface TenantMovePlan extends TenantMoveOptions {
  readonly tenant: string;
  readonly schema: string;
  readonly from: MoveSide;
  readonly to: MoveSide;
  /** The ledger table inside the schema, compared row for row. */
  readonly tableName: string;
  readonly pgTools: string | undefined;
  /** Records the tenant on `to`; after it, the tenant lives there. */
  switchPlacement(): Promise<void>;
}

/**
 * Copies a detached tenant's schema to another server and switches its placement. Writes to the old copy
 * (another process still serving it) are blocked from the copy on by an EXCLUSIVE lock on every table,
 * held until the old copy is dropped in the same transaction. Any failure before the switch rolls that
 * back and drops the new copy, so the tenant stays where it was with nothing lost.
 */
export async function moveTenant(plan: TenantMovePlan): Promise<TenantMoveReport> {
  const { tenant, schema, from, to } = plan;
  const copier = dialectOf(from.client).copySchema;
  if (copier === undefined || to.client !== from.client) {
    throw new KnexusError(
      'KNEXUS_ERR_INVALID_CONFIG',
      `Moving tenants needs PostgreSQL on both servers ('${from.name}' is ${from.client}, '${to.name}' is ${to.client})`,
      { appName: tenant, field: 'tenants.servers' },
    );
  }
  const started = performance.now();
  const steps: { step: MoveStep; ms: number }[] = [];
  let current: MoveStep = 'lock';
  const step = async <T>(name: MoveStep, run: () => Promise<T>): Promise<T> => {
    current = name;
    plan.onStep?.(name);
    const at = performance.now();
    const result = await run();
    steps.push(Object.freeze({ step: name, ms: Math.round(performance.now() - at) }));
    return result;
  };
  const failed = (error: unknown, details: Record<string, unknown> = {}) =>
    new KnexusError(
      'KNEXUS_ERR_TENANT_MOVE_FAILED',
      `Moving tenant '${tenant}' from '${from.name}' to '${to.name}' failed at ${current}: ${toError(error).message}. It is still served from '${from.name}'; nothing was lost.`,
      { appName: tenant, details: { step: current, from: from.name, to: to.name, retryable: true, ...details } },
      error,
    );

  if (await schemaExists(to.knex, schema)) {
    throw new KnexusError(
      'KNEXUS_ERR_TENANT_MOVE_FAILED',
      `Server '${to.name}' already has a schema '${schema}' (a copy left by an interrupted move?): check it and drop it before moving tenant '${tenant}' there`,
      { appName: tenant, details: { step: 'lock', from: from.name, to: to.name, retryable: false } },
    );
  }
  const trx = await from.knex.transaction();
  let switched = false;
  let tables: Record<string, number> = {};
  try {
    const names = await step('lock', async () => {
      const listed = await tablesOf(trx, schema);
      if (listed.length > 0) await trx.raw(`lock table ${listed.map((table) => `"${schema}"."${table}"`).join(', ')} in exclusive mode`);
      return listed;
    });
    await step('copy', () => copier(from.connection, to.connection, schema, plan.pgTools));
    tables = await step('verify', () => verify(plan, trx, names));
    await step('switch', () => plan.switchPlacement());
    switched = true;
  } catch (error) {
    await trx.rollback().catch(() => undefined);
    if (!switched) {
      await to.knex.raw(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
      throw isMismatch(error) ? failed(error, { mismatches: error.mismatches }) : failed(error);
    }
    throw error;
  }
  let oldCopyDropped = true;
  try {
    await step('drop', async () => {
      await trx.raw(`drop schema "${schema}" cascade`);
      await trx.commit();
    });
  } catch {
    // The tenant lives on `to` now; the old copy is only garbage, reported for a drop by hand.
    oldCopyDropped = false;
    await trx.rollback().catch(() => undefined);
  }
  return Object.freeze({
    tenant,
    from: from.name,
    to: to.name,
    moved: true,
    steps: Object.freeze(steps),
    tables: Object.freeze(tables),
    oldCopyDropped,
    durationMs: Math.round(performance.now() - started),
  });
}

class VerifyMismatch extends Error {
  constructor(readonly mismatches: readonly string[]) {
    super(`the copy differs: ${mismatches.join('; ')}`);
  }
}

function isMismatch(error: unknown): error is VerifyMismatch {
  return error instanceof VerifyMismatch;
}

/** Same tables, same rows per table, the same ledger row for row; resolves with the row counts. */
async function verify(plan: TenantMovePlan, source: Knex.Transaction, names: readonly string[]): Promise<Record<string, number>> {
  const { schema, to, tableName } = plan;
  const mismatches: string[] = [];
  const copied = await tablesOf(to.knex, schema);
  if (copied.join(',') !== names.join(',')) mismatches.push(`tables ${names.join(',')} became ${copied.join(',')}`);
  const counts: Record<string, number> = {};
  for (const table of names) {
    const before = await countRows(source, schema, table);
    const after = copied.includes(table) ? await countRows(to.knex, schema, table) : -1;
    counts[table] = before;
    if (before !== after) mismatches.push(`${table}: ${before} rows, copy has ${after}`);
  }
  if (names.includes(tableName)) {
    const ledger = (db: Knex) => db.withSchema(schema).from(tableName).select('*').orderBy('id');
    if (JSON.stringify(await ledger(source)) !== JSON.stringify(await ledger(to.knex))) mismatches.push(`ledger ${tableName} differs`);
  }
  if (mismatches.length > 0) throw new VerifyMismatch(mismatches);
  return counts;
}

async function tablesOf(db: Knex, schema: string): Promise<string[]> {
  const rows = (await db.raw('select tablename from pg_tables where schemaname = ? order by tablename', [schema])) as {
    rows: { tablename: string }[];
  };
  return rows.rows.map((row) => row.tablename);
}

async function countRows(db: Knex, schema: string, table: string): Promise<number> {
  const row = (await db.withSchema(schema).from(table).count({ n: '*' }).first()) as { n: string | number };
  return Number(row.n);
}

async function schemaExists(db: Knex, schema: string): Promise<boolean> {
  const rows = (await db.raw('select 1 from pg_namespace where nspname = ?', [schema])) as { rows: unknown[] };
  return rows.rows.length > 0;
}
