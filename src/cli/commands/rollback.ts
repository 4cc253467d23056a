import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';

/**
 * `knexus rollback [app] [--step n | --all] [--seeds]`: undoes the last migration batch (or the last
 * n migrations, or all) of every app (or one), newest app first; `--seeds` undoes seed batches instead.
 */
export async function rollback(ctx: CommandContext): Promise<ExitCode> {
  const { step, all, seeds } = ctx.args;
  const noun = seeds ? 'seed' : 'migration';
  return runPerApp(ctx, {
    command: 'rollback',
    section: seeds ? 'seeds' : 'migrations',
    verb: seeds ? 'rolling back seeds' : 'rolling back',
    reverse: true,
    step: async (connection) => {
      const options = all ? { all: true } : step === undefined ? {} : seeds ? { steps: step } : { step };
      const result = seeds ? await connection.rollbackSeeds(options) : await connection.rollbackMigrations(options);
      const irreversible = result.irreversible.length === 0 ? '' : ` (${result.irreversible.length} without an undo export: ${result.irreversible.join(', ')})`;
      const summary =
        result.rolledBack.length === 0 ? `no ${noun} to roll back` : `rolled back ${result.rolledBack.length} ${noun}(s): ${result.rolledBack.join(', ')}${irreversible}`;
      return { summary, result: { ...result } };
    },
  });
}
