import { errorJson, errorCode } from '../format-error.js';
import { hasScripts } from '../../migrations/migrations-config.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { AppHandle } from '../../connection/app-handle.js';
import type { ConfiguredApp } from '../../config/validate-config.js';
import type { AppRegistry } from '../../registry/app-registry.js';
import type { CommandContext } from './command-context.js';
import { byName } from './by-name.js';
import { withRegistry } from './with-registry.js';

/** What one app's step produced: a JSON-able result and a one-line summary for people. */
export interface StepResult {
  readonly summary: string;
  readonly result: Readonly<Record<string, unknown>>;
}

/** Options of `runPerApp`. */
export interface RunPerAppOptions {
  /** The command's name in the JSON document. */
  readonly command: string;
  /** Progress text while an app's step runs, e.g. `migrating`. */
  readonly verb: string;
  /** Act on apps newest-first (rollbacks). */
  readonly reverse?: boolean;
  /** The config section the step works on: apps without a directory there are skipped, not failed. */
  readonly section: 'migrations' | 'seeds' | undefined;
  /** One app's work, given its handle (and the registry, for steps such as unregistering). */
  readonly step: (connection: AppHandle, app: ConfiguredApp, registry: AppRegistry) => Promise<StepResult>;
  /**
   * Runs for every registered target app before any step does; a throw stops the command with
   * nothing changed (a usage error exits 2). Default: no check.
   */
  readonly check?: (connection: AppHandle, app: ConfiguredApp) => Promise<void>;
  /** Load the configured plugins even without `--plugins` (down: a backup plugin must see the rollback). */
  readonly plugins?: boolean;
}

/**
 * The shape shared by migrate, rollback, seed and down: register the apps read-only, run one step per
 * target app with progress, keep going after a failure, print one line (or one JSON document) per app,
 * and exit 1 if any app failed.
 */
export async function runPerApp(ctx: CommandContext, options: RunPerAppOptions): Promise<ExitCode> {
  const { output, loaded } = ctx;
  // One-shot commands start no plugin unless asked (--plugins): a plugin may bind a port or schedule
  // backups, and a `knexus migrate` beside the running service must not collide with it.
  return withRegistry(
    ctx,
    { readOnly: true, transient: true, noPlugins: !(ctx.args.plugins || options.plugins === true) },
    async ({ registry, outcomes, targets }) => {
      // Registering was transient noise; each app's outcome here is the command's result and stays on screen.
      const progress = await output.progress();
      const rows: { name: string; ok: boolean; result?: Readonly<Record<string, unknown>>; error?: Record<string, unknown> }[] = [];
      const ordered = options.reverse ? [...targets].reverse() : targets;
      if (options.check !== undefined) {
        for (const app of ordered) {
          const outcome = outcomes.find((o) => o.name === app.name);
          if (outcome?.ok && (options.section === undefined || hasScripts(app.resolved[options.section])))
            await options.check(outcome.connection, app);
        }
      }
      for (const app of ordered) {
        const outcome = outcomes.find((o) => o.name === app.name);
        if (outcome === undefined) continue;
        if (!outcome.ok) {
          // Only read-only views ask for `missing` outcomes; should one get here, it is a failure like any other.
          const error = 'error' in outcome ? outcome.error : new Error(`App '${app.name}': ${outcome.missing}`);
          rows.push({ name: app.name, ok: false, error: errorJson(error, output.verbose, options.command) });
          output.error(error);
          continue;
        }
        if (options.section !== undefined && !hasScripts(app.resolved[options.section])) {
          progress.warn(`${app.name}: skipped, no ${options.section} directory configured`);
          rows.push({ name: app.name, ok: true, result: { skipped: true } });
          continue;
        }
        progress.start(`${app.name}: ${options.verb}`);
        try {
          const { summary, result } = await options.step(outcome.connection, app, registry);
          progress.succeed(`${app.name}: ${summary}`);
          rows.push({ name: app.name, ok: true, result });
        } catch (error) {
          progress.fail(`${app.name}: ${errorCode(error)}`);
          rows.push({ name: app.name, ok: false, error: errorJson(error, output.verbose, options.command) });
          output.error(error);
        }
      }
      const ok = rows.every((row) => row.ok);
      output.document({ ok, command: options.command, configFile: loaded.file, apps: byName(rows) });
      return ok ? EXIT_CODES.ok : EXIT_CODES.failed;
    },
  );
}
