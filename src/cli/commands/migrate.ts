import { KnexusError } from '../../errors.js';
import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';
import { noticeKnexLedger } from '../knex-ledger-notice.js';

/**
 * `knexus migrate [app] [--to name | --step n]`: applies pending migrations of every app (or one) as one
 * batch each; `--step n` only the next n (knex's `migrate:up` is `--step 1`).
 */
export async function migrate(ctx: CommandContext): Promise<ExitCode> {
  const { to, app, step } = ctx.args;
  if (to !== undefined && step !== undefined) throw new KnexusError('KNEXUS_ERR_USAGE', 'Give --to or --step, not both');
  if (to !== undefined && app === undefined && ctx.loaded.apps.length > 1) {
    throw new KnexusError('KNEXUS_ERR_USAGE', '--to names one migration file, so it needs an app: knexus migrate <app> --to <name>');
  }
  return runPerApp(ctx, {
    command: 'migrate',
    section: 'migrations',
    verb: 'migrating',
    step: async (connection, configured) => {
      const upTo = step === undefined ? to : (await connection.migrationStatus()).pending.slice(0, step).at(-1);
      if (step !== undefined && upTo === undefined) return { summary: 'already up to date', result: { batch: null, applied: [] } };
      const result = await connection.runMigrations(upTo === undefined ? {} : { to: upTo });
      noticeKnexLedger(ctx.output, configured, ctx.loaded.baseDir, result.imported);
      const summary =
        result.applied.length === 0
          ? 'already up to date'
          : `applied ${result.applied.length} migration(s) as batch ${result.batch}: ${result.applied.join(', ')}`;
      return { summary, result: { ...result } };
    },
  });
}
