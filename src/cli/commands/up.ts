import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { buildAppReports, type AppReport } from '../app-report.js';
import { pluginRows, pluginsExitCode, type PluginRow } from '../plugin-rows.js';
import { renderAppReports, renderPluginRows } from '../render-reports.js';
import { formatMs } from '../register-apps.js';
import { ShutdownSignals } from '../shutdown-signals.js';
import type { RegistryHealth } from '../../health/health-report.js';
import { noticeKnexLedger } from '../knex-ledger-notice.js';
import type { CommandContext } from './command-context.js';
import { byName } from './by-name.js';
import { withRegistry } from './with-registry.js';

/** Health-check period of a running `knexus up` when the config sets none, in ms. */
export const DEFAULT_UP_HEALTH_INTERVAL = 30_000;

/**
 * `knexus up [--once]`: loads plugins, registers every app (migrations, seeds, models), prints the
 * report, then either exits (`--once`, or when an app failed) or runs with health checks until
 * SIGINT/SIGTERM and shuts down gracefully. Nothing is rolled back on the way out.
 */
export async function up(ctx: CommandContext): Promise<ExitCode> {
  const { args, output, loaded } = ctx;
  const configured = loaded.config.registry?.healthCheckInterval;
  const settings = args.once
    ? {}
    : { healthCheckInterval: configured !== undefined && configured > 0 ? configured : DEFAULT_UP_HEALTH_INTERVAL };
  // Listening from the start: Ctrl-C during start-up stops after the app being registered, not halfway through it.
  const signals = new ShutdownSignals((signal) => output.warn(`second ${signal}: exiting at once`));
  try {
    return await withRegistry(ctx, { readOnly: false, settings, signal: signals.signal }, async ({ registry, init, outcomes }) => {
      const apps = await buildAppReports(registry, loaded.apps, outcomes, { health: true, rows: true, verbose: output.verbose });
      const plugins = pluginRows(registry, init, loaded);
      const appsFailed = apps.some((app) => app.state === 'failed');
      const ok = !appsFailed && !plugins.some((p) => p.state === 'failed');
      report(ctx, apps, plugins, ok);
      for (const outcome of outcomes) {
        const app = loaded.apps.find((candidate) => candidate.name === outcome.name);
        if (outcome.ok && app !== undefined) noticeKnexLedger(output, app, loaded.baseDir, outcome.result?.migrations?.imported ?? []);
      }
      if (args.once || appsFailed || signals.received !== undefined) return appsFailed ? EXIT_CODES.failed : pluginsExitCode(plugins);

      output.info(
        `\nknexus is running ${apps.length} app(s), health checks every ${formatMs(settings.healthCheckInterval ?? 0)}; press Ctrl-C to stop`,
      );
      let last: string | undefined;
      const onHealth = (health: RegistryHealth) => {
        const line = Object.values(health.apps)
          .map((app) => `${app.appName} ${app.status}`)
          .join(', ');
        if (health.status !== 'healthy' && line !== last) output.warn(`health: ${line}`);
        else if (output.verbose || (last !== undefined && line !== last)) output.info(`health: ${line}`);
        last = line;
      };
      // Errors (plugin hooks, health checks) are printed by withRegistry's listener, from start-up on.
      registry.on('health-check-completed', onHealth);
      const signal = await signals.wait();
      output.info(`${signal} received, shutting down (again to exit at once)…`);
      const result = await registry.shutdown();
      output.info(
        `stopped in ${formatMs(result.durationMs)}: ${result.closed.length} connection(s) closed${result.forced.length > 0 ? `, ${result.forced.length} forced` : ''}`,
      );
      return result.errors.length === 0 ? EXIT_CODES.ok : EXIT_CODES.failed;
    });
  } finally {
    signals.dispose();
  }
}

function report(ctx: CommandContext, apps: readonly AppReport[], plugins: readonly PluginRow[], ok: boolean): void {
  const { output, loaded } = ctx;
  output.document({ ok, command: 'up', configFile: loaded.file, apps: byName(apps), plugins: byName(plugins) });
  if (output.quiet) return;
  output.print();
  renderAppReports(output, apps, 'summary');
  output.print();
  renderPluginRows(output, plugins);
}
