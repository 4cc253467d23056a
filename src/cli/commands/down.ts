import type { RollbackSummary } from '../../plugins/lifecycle-types.js';
import type { ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { runPerApp } from './run-per-app.js';

/**
 * `knexus down <app>`: unregisters the app with `rollback: 'all'`: every seed, then every migration,
 * newest first. (A fresh CLI registration applied nothing, so undoing only "this registration" would undo nothing.)
 */
export async function down(ctx: CommandContext): Promise<ExitCode> {
  return runPerApp(ctx, {
    command: 'down',
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
