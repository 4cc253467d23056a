import { buildAppReports, withLedgerState } from '../app-report.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { pluginRows } from '../plugin-rows.js';
import { renderAppReports, renderPluginRows } from '../render-reports.js';
import { byName } from './by-name.js';
import type { CommandContext } from './command-context.js';
import { withRegistry } from './with-registry.js';

/**
 * `knexus status [app] [--check]`: read-only view of each app's ledgers (applied with batch and time, pending,
 * drifted) and of the configured plugins. Apps are registered with auto-migrations and seeds off and
 * without plugins (whose hooks may write), so nothing is applied; `knexus plugins` loads them. An app
 * whose SQLite file or PostgreSQL schema does not exist yet is reported `missing` (every file pending)
 * rather than registered, which would create it; that is not a failure.
 */
export async function status(ctx: CommandContext): Promise<ExitCode> {
  const { output, loaded } = ctx;
  return withRegistry(
    ctx,
    { readOnly: true, existingOnly: true, transient: true, noPlugins: true },
    async ({ registry, init, outcomes, targets }) => {
      const names = new Set(targets.map((app) => app.name));
      const shown = outcomes.filter((outcome) => names.has(outcome.name));
      const apps = (await buildAppReports(registry, loaded.apps, shown, { health: false, verbose: output.verbose })).map(withLedgerState);
      const plugins = pluginRows(registry, init, loaded);
      const ok = apps.every((app) => app.state !== 'failed' && app.error === undefined);
      // --check: a deploy gate; anything pending or drifted (in any shown app) fails it.
      const behind = apps.filter((app) =>
        [app.migrations, app.seeds].some((ledger) => ledger !== null && ledger.pending.length + ledger.drifted.length > 0),
      );
      const check = ctx.args.check ? { passed: ok && behind.length === 0, behind: behind.map((app) => app.name) } : undefined;
      output.document({
        ok,
        command: 'status',
        configFile: loaded.file,
        apps: byName(apps),
        plugins: byName(plugins),
        ...(check ? { check } : {}),
      });
      output.print(`config ${loaded.file}\n`);
      renderAppReports(output, apps, 'files');
      output.print();
      renderPluginRows(output, plugins);
      if (check !== undefined && !check.passed) {
        output.warn(`check failed: ${ok ? `pending or drifted files in ${check.behind.join(', ')}` : 'an app could not be read'}`);
        // An unreadable app (exit 1) is not the same news as an app behind its files (exit 3).
        return ok ? EXIT_CODES.behind : EXIT_CODES.failed;
      }
      return ok ? EXIT_CODES.ok : EXIT_CODES.failed;
    },
  );
}
