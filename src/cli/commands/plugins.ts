import type { ExitCode } from '../exit-codes.js';
import { pluginRows, pluginsExitCode } from '../plugin-rows.js';
import { renderPluginRows } from '../render-reports.js';
import { byName } from './by-name.js';
import type { CommandContext } from './command-context.js';
import { withRegistry } from './with-registry.js';

/** `knexus plugins`: loads the configured plugins (no app is registered) and shows each one's state, version, load time and error. */
export async function plugins(ctx: CommandContext): Promise<ExitCode> {
  const { output, loaded } = ctx;
  return withRegistry(ctx, { readOnly: true, noApps: true, transient: true }, async ({ registry, init }) => {
    const rows = pluginRows(registry, init, loaded);
    const ok = rows.every((row) => row.state !== 'failed');
    output.document({ ok, command: 'plugins', configFile: loaded.file, plugins: byName(rows) });
    renderPluginRows(output, rows);
    return pluginsExitCode(rows);
  });
}
