import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';
import { noticeKnexLedger } from '../knex-ledger-notice.js';

/**
 * `knexus baseline <app> --to <name>`: marks the app's migrations up to and including <name> as applied
 * without running them (a database built by other means); `--from-knex` instead records what knex's own
 * ledger says was applied. Runs nothing else.
 */
export async function baseline(ctx: CommandContext): Promise<ExitCode> {
  const { to, fromKnex } = ctx.args;
  return runPerApp(ctx, {
    command: 'baseline',
    section: 'migrations',
    verb: fromKnex ? "importing knex's history" : 'marking migrations applied',
    step: async (connection, app) => {
      const result = await connection.baselineMigrations(fromKnex ? { fromKnex: true } : { to: to as string });
      noticeKnexLedger(ctx.output, app, ctx.loaded.baseDir, result.imported);
      const summary = fromKnex
        ? `imported ${result.imported.length} migration(s) from knex's ledger: ${result.imported.join(', ')}`
        : `marked ${result.applied.length} migration(s) applied as batch ${result.batch} (baseline): ${result.applied.join(', ')}`;
      return { summary, result: { ...result } };
    },
  });
}
