import { KnexusError } from '../../errors.js';
import { hasScripts } from '../../migrations/migrations-config.js';
import type { AppHandle } from '../../connection/app-handle.js';
import type { ConfiguredApp } from '../../config/validate-config.js';
import type { LedgerEntry, RollbackResult } from '../../migrations/ledger-types.js';
import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';

/**
 * `knexus rollback [app] [--step n | --all] [--seeds]`: undoes the last migration batch (or the last
 * n migrations, or all) of every app (or one), newest app first; `--seeds` undoes seed batches instead.
 *
 * Seeds fill the tables migrations create, so their ledger must not outlive them: `--all` rolls every
 * seed back first (as `down` does), and a partial rollback is refused while seeds applied at or after
 * the migrations it would undo are still recorded.
 */
export async function rollback(ctx: CommandContext): Promise<ExitCode> {
  const { step, all, seeds, to, app: named } = ctx.args;
  const noun = seeds ? 'seed' : 'migration';
  if (to !== undefined && named === undefined && ctx.loaded.apps.length > 1) {
    throw new KnexusError('KNEXUS_ERR_USAGE', '--to names one migration file, so it needs an app: knexus rollback <app> --to <name>');
  }
  return runPerApp(ctx, {
    command: 'rollback',
    section: seeds ? 'seeds' : 'migrations',
    verb: seeds ? 'rolling back seeds' : 'rolling back',
    reverse: true,
    ...(seeds || all ? {} : { check: (connection, app) => refuseOrphanedSeeds(connection, app, step, to) }),
    step: async (connection, app) => {
      if (to !== undefined) return describe(await connection.rollbackMigrations({ to }), noun);
      if (seeds) return describe(await connection.rollbackSeeds(all ? { all: true } : step === undefined ? {} : { step }), noun);
      if (!all) return describe(await connection.rollbackMigrations(step === undefined ? {} : { step }), noun);
      const seedResult = hasSeeds(app) ? await connection.rollbackSeeds({ all: true }) : null;
      const result = await connection.rollbackMigrations({ all: true });
      const migrations = describe(result, noun);
      if (seedResult === null || seedResult.rolledBack.length + seedResult.irreversible.length === 0)
        return { ...migrations, result: { ...migrations.result, seeds: seedResult } };
      const undone = describe(seedResult, 'seed');
      return { summary: `${undone.summary}; ${migrations.summary}`, result: { ...migrations.result, seeds: seedResult } };
    },
  });
}

function describe(result: RollbackResult, noun: string): { summary: string; result: Readonly<Record<string, unknown>> } {
  const irreversible =
    result.irreversible.length === 0 ? '' : ` (${result.irreversible.length} without an undo export: ${result.irreversible.join(', ')})`;
  const count = result.rolledBack.length + result.irreversible.length;
  const summary =
    count === 0
      ? `no ${noun} to roll back`
      : `rolled back ${result.rolledBack.length} ${noun}(s): ${result.rolledBack.join(', ')}${irreversible}`;
  return { summary, result: { ...result } };
}

function hasSeeds(app: ConfiguredApp): boolean {
  return hasScripts(app.resolved.seeds);
}

/**
 * Throws a usage error when rolling back these migrations (the last batch, or the last `step`) would
 * leave seeds recorded whose data went with them: seeds applied at or after the earliest of them.
 */
async function refuseOrphanedSeeds(
  connection: AppHandle,
  app: ConfiguredApp,
  step: number | undefined,
  to: string | undefined,
): Promise<void> {
  if (!hasSeeds(app)) return;
  const applied = (await connection.migrationStatus()).applied;
  const lastBatch = applied.at(-1)?.batch;
  const from =
    to === undefined ? -1 : applied.findIndex((entry) => entry.name === to || entry.name.slice(0, entry.name.lastIndexOf('.')) === to);
  const undone =
    to !== undefined
      ? from < 0
        ? []
        : applied.slice(from)
      : step === undefined
        ? applied.filter((entry) => entry.batch === lastBatch)
        : applied.slice(-step);
  if (undone.length === 0) return;
  const since = Math.min(...undone.map((entry) => time(entry)));
  const seeds = (await connection.seedStatus()).applied.filter((entry) => time(entry) >= since);
  if (seeds.length === 0) return;
  const what =
    to !== undefined
      ? `the migrations down to ${to}`
      : step === undefined
        ? `the last migration batch (${lastBatch})`
        : `the last ${step} migration(s)`;
  throw new KnexusError(
    'KNEXUS_ERR_USAGE',
    `Rolling back ${what} of app '${app.name}' would leave seeds applied since then recorded as applied, though their data goes with the tables: ${seeds.map((s) => s.name).join(', ')}`,
    {
      appName: app.name,
      details: {
        seeds: seeds.map((s) => s.name),
        hint: `Roll back seeds first: knexus rollback ${app.name} --seeds (or undo everything with knexus rollback ${app.name} --all).`,
      },
    },
  );
}

function time(entry: LedgerEntry): number {
  return new Date(entry.appliedAt).getTime();
}
