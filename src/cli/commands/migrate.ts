import { KnexusError } from '../../errors.js';
import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';

/** `knexus migrate [app] [--to name]`: applies pending migrations of every app (or one) as one batch each. */
export async function migrate(ctx: CommandContext): Promise<ExitCode> {
  const { to, app } = ctx.args;
  if (to !== undefined && app === undefined && ctx.loaded.apps.length > 1) {
    throw new KnexusError('KNEXUS_ERR_USAGE', '--to names one migration file, so it needs an app: knexus migrate <app> --to <name>');
  }
  return runPerApp(ctx, {
    command: 'migrate',
    section: 'migrations',
    verb: 'migrating',
    step: async (connection) => {
      const result = await connection.runMigrations(to === undefined ? {} : { to });
      const summary = result.applied.length === 0 ? 'already up to date' : `applied ${result.applied.length} migration(s) as batch ${result.batch}: ${result.applied.join(', ')}`;
      return { summary, result: { ...result } };
    },
  });
}
