import { KnexusError } from '../../errors.js';
import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';

/**
 * `knexus repair <app> --migration <file> | --seed <file> --resolution applied|rolled-back`: settles a
 * file left dirty (started outside a transaction, never finished) once a human checked the database.
 */
export async function repair(ctx: CommandContext): Promise<ExitCode> {
  const { migration, seed, resolution } = ctx.args;
  if ((migration === undefined) === (seed === undefined) || resolution === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_USAGE',
      'repair needs the dirty file and what was done about it: knexus repair <app> --migration <file> --resolution applied|rolled-back',
    );
  }
  const section = migration === undefined ? 'seeds' : 'migrations';
  return runPerApp(ctx, {
    command: 'repair',
    section,
    verb: 'repairing',
    step: async (_connection, app, registry) => {
      const request = migration === undefined ? { seed: seed!, resolution } : { migration, resolution };
      const result = await registry.repair(app.name, request as Parameters<typeof registry.repair>[1]);
      const summary =
        result.batch === null
          ? `${result.file} marked rolled back (it will run again)`
          : `${result.file} marked applied (batch ${result.batch})`;
      return { summary, result: { ...result } };
    },
  });
}
