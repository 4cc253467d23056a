import { KnexusError } from '../../errors.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { withRegistry } from './with-registry.js';

/**
 * `knexus tenants move <tenant> --to <server>`: moves one tenant of the config's `tenants` to another of its
 * `servers` (detach, copy, verify, switch the placement, drop the old copy). A failure leaves the tenant on
 * its old server with nothing lost, and exits 1.
 */
export async function tenantsMove(ctx: CommandContext): Promise<ExitCode> {
  const { output, loaded, args } = ctx;
  if (loaded.config.tenants === undefined)
    throw new KnexusError('KNEXUS_ERR_USAGE', `'tenants move' needs a 'tenants' section in ${loaded.file}`);
  const tenant = args.name!;
  const to = args.to!;
  return withRegistry(ctx, { readOnly: true, transient: true, noPlugins: !args.plugins }, async ({ registry, progress }) => {
    progress.start(`${tenant}: moving to ${to}`);
    const report = await registry.tenants!.move(tenant, to, { onStep: (step) => progress.update(`${tenant}: ${step}`) });
    const summary = report.moved
      ? `${tenant}: moved from ${report.from} to ${report.to} in ${Math.round(report.durationMs)} ms`
      : `${tenant}: already on ${report.to}, nothing to move`;
    progress.succeed(summary);
    output.document({ ok: true, command: 'tenants move', move: report });
    for (const step of report.steps) output.print(`  ${step.step}: ${step.ms} ms`);
    return EXIT_CODES.ok;
  });
}
