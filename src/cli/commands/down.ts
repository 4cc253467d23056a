import type { RollbackSummary } from '../../plugins/lifecycle-types.js';
import { KnexusError } from '../../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';

/**
 * `knexus down <app>`: unregisters the app with `rollback: 'all'`: every seed, then every migration,
 * newest first. (A fresh CLI registration applied nothing, so undoing only "this registration" would undo nothing.)
 * It drops the app's tables, so it asks first on a terminal (`--yes` skips the question, and is required
 * without a terminal), and it loads the configured plugins, so a backup plugin backs the database up first.
 */
export async function down(ctx: CommandContext): Promise<ExitCode> {
  const appName = ctx.args.app as string;
  if (!ctx.args.yes && !(await confirmed(ctx, appName, ctx.stdin ?? process.stdin))) {
    ctx.output.info('nothing was changed');
    return EXIT_CODES.usage;
  }
  return runPerApp(ctx, {
    command: 'down',
    plugins: true,
    section: undefined,
    verb: 'rolling back everything',
    step: async (_connection, app, registry) => {
      let summary: RollbackSummary | null = null;
      const capture = (event: { appName: string; rollback: RollbackSummary | null }) => {
        if (event.appName === app.name) summary = event.rollback;
      };
      registry.on('app-unregistered', capture);
      try {
        await registry.unregisterApp(app.name, { rollback: 'all' });
      } finally {
        registry.off('app-unregistered', capture);
      }
      const result = summary as RollbackSummary | null;
      const seeds = result?.seeds?.rolledBack ?? [];
      const migrations = result?.migrations?.rolledBack ?? [];
      const text = `rolled back ${seeds.length} seed(s) and ${migrations.length} migration(s); unregistered`;
      return { summary: text, result: { seeds: result?.seeds ?? null, migrations: result?.migrations ?? null } };
    },
  });
}

/** Asks on a terminal; refuses (KNEXUS_ERR_CONFIRMATION_REQUIRED) where nobody can answer. */
async function confirmed(ctx: CommandContext, appName: string, stdin: NodeJS.ReadStream): Promise<boolean> {
  if (ctx.output.json || stdin.isTTY !== true) {
    throw new KnexusError(
      'KNEXUS_ERR_CONFIRMATION_REQUIRED',
      `knexus down ${appName} rolls back every seed and migration of the app (dropping its tables), and there is no terminal to ask: pass --yes to go ahead`,
      {
        appName,
        details: {
          hint: `Run knexus down ${appName} --yes once you are sure (a backup plugin in the config backs the database up first).`,
        },
      },
    );
  }
  const backup = Object.values(ctx.loaded.config.plugins ?? {}).some((entry) => /backup/i.test(JSON.stringify(entry ?? '')));
  const question =
    `Roll back every seed and migration of '${appName}' (this drops its tables)` +
    `${backup ? '; the backup plugin backs the database up first' : '; no backup plugin is configured'}. Continue? [y/N] `;
  return ctx.output.confirm(question, stdin);
}
