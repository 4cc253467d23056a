import { KnexusError } from '../../errors.js';
import type { FleetCheckResult } from '../../tenants/fleet-check.js';
import type { FleetReport } from '../../tenants/fleet-job.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import type { CommandContext } from './command-context.js';
import { withRegistry } from './with-registry.js';

/** How many failing tenants the text output lists; `--json` has every one. */
const SHOWN = 20;

/**
 * `knexus status --check --tenants`, `knexus migrate --tenants [--canary N] [--concurrency N] [--to f]`,
 * `knexus rollback --tenants --to f`: the command over every tenant the config's `tenants.list()` gives.
 * Exit 0 when every tenant is current (status) or done (migrate, rollback), 1 otherwise. Running
 * `migrate --tenants` again resumes: tenants already current are not touched.
 */
export async function fleet(ctx: CommandContext, operation: 'status' | 'migrate' | 'rollback'): Promise<ExitCode> {
  const { output, loaded, args } = ctx;
  if (loaded.config.tenants === undefined)
    throw new KnexusError('KNEXUS_ERR_USAGE', `--tenants needs a 'tenants' section in ${loaded.file}`);
  if (operation === 'rollback' && args.to === undefined)
    throw new KnexusError('KNEXUS_ERR_USAGE', 'rollback --tenants needs --to <migration> (it is rolled back too)');
  const fleetArgs = args.tenants!;
  return withRegistry(ctx, { readOnly: true, transient: true, noPlugins: !args.plugins }, async ({ registry, progress }) => {
    const tenants = registry.tenants!;
    if (operation === 'status') {
      progress.start('tenants: reading every ledger');
      const result = await tenants.check();
      progress.succeed(`tenants: ${result.total} read in ${Math.round(result.durationMs)} ms`);
      output.document({ ok: result.ok, command: 'status', tenants: result });
      renderCheck(ctx, result);
      return result.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
    }
    progress.start(`tenants: ${operation === 'migrate' ? 'migrating' : 'rolling back'}`);
    const job = {
      concurrency: fleetArgs.concurrency,
      canary: fleetArgs.canary,
      onProgress: (p: { finished: number; total: number; failed: number }) =>
        progress.update(`tenants: ${p.finished}/${p.total} (${p.failed} failed)`),
    };
    const report =
      operation === 'migrate'
        ? await tenants.migrate({ ...job, ...(args.to === undefined ? {} : { to: args.to }) })
        : await tenants.rollback({ ...job, to: args.to! });
    const summary = `tenants: ${report.done} done, ${report.failed} failed, ${report.skipped} skipped of ${report.total} in ${Math.round(report.durationMs)} ms`;
    if (report.ok) progress.succeed(summary);
    else progress.fail(report.canaryFailed ? `${summary}: the canary step failed, nothing else was touched` : summary);
    output.document({ ok: report.ok, command: operation, tenants: report });
    renderReport(ctx, report);
    return report.ok ? EXIT_CODES.ok : EXIT_CODES.failed;
  });
}

function renderCheck({ output }: CommandContext, result: FleetCheckResult): void {
  const counts = Object.entries(result.counts)
    .filter(([, n]) => n > 0)
    .map(([verdict, n]) => `${verdict} ${n}`)
    .join(', ');
  output.print(`tenants ${result.total}: ${counts || 'none'}`);
  for (const tenant of result.tenants.filter((t) => t.verdict !== 'ahead').slice(0, SHOWN)) {
    const files = [...tenant.pending, ...tenant.drifted, ...tenant.dirty];
    output.print(`  ${tenant.name}: ${tenant.verdict}${files.length > 0 ? ` (${files.join(', ')})` : ''}`);
  }
  if (result.tenants.length > SHOWN) output.print(`  … ${result.tenants.length - SHOWN} more (--json lists all)`);
}

function renderReport({ output }: CommandContext, report: FleetReport): void {
  const failed = report.tenants.filter((tenant) => tenant.status === 'failed');
  for (const tenant of failed.slice(0, SHOWN))
    output.print(`  ${tenant.name}: ${tenant.error?.code ?? 'failed'} ${tenant.error?.message ?? ''}`);
  if (failed.length > SHOWN) output.print(`  … ${failed.length - SHOWN} more (--json lists all)`);
}
