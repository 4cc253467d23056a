import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';

/** `knexus seed [app]`: runs the seeds every app (or one) has not run yet, as one batch each. */
export async function seed(ctx: CommandContext): Promise<ExitCode> {
  return runPerApp(ctx, {
    command: 'seed',
    section: 'seeds',
    verb: 'seeding',
    step: async (connection) => {
      const result = await connection.runSeeds();
      const summary =
        result.applied.length === 0
          ? 'no new seeds'
          : `ran ${result.applied.length} seed(s) as batch ${result.batch}: ${result.applied.join(', ')}`;
      return { summary, result: { ...result } };
    },
  });
}
