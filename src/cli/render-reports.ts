import type { AppReport, LedgerReport } from './app-report.js';
import type { CliOutput } from './cli-output.js';
import { formatTarget } from './format-target.js';
import type { PluginRow } from './plugin-rows.js';
import { formatMs } from './register-apps.js';

/** How much of each ledger to show: counts (`up`) or every file (`status`). */
export type ReportDetail = 'summary' | 'files';

/** Prints app reports for people. */
export function renderAppReports(output: CliOutput, reports: readonly AppReport[], detail: ReportDetail): void {
  output.print(output.style('bold', 'Apps'));
  if (reports.length === 0) output.print('  none configured');
  for (const report of reports) {
    const mark =
      report.state === 'ready'
        ? output.style('green', '✔')
        : report.state === 'missing'
          ? output.style('yellow', '-')
          : output.style('red', '✖');
    const took = detail === 'summary' ? ` in ${formatMs(report.durationMs)}` : '';
    output.print(`  ${mark} ${output.style('bold', report.name)}  ${report.state}${took}`);
    row(output, 'connection', formatTarget(report.connection));
    if (report.missing !== undefined) row(output, 'database', `${report.missing} (knexus up or knexus migrate creates it)`);
    if (report.error !== undefined) {
      row(output, 'error', `${String(report.error['code'])}: ${String(report.error['message'])}`);
      row(output, 'hint', String(report.error['hint']));
    }
    if (report.state === 'failed') continue;
    ledger(output, 'migrations', report.migrations, detail, report.name);
    ledger(output, 'seeds', report.seeds, detail, report.name);
    if (report.state === 'missing') continue;
    row(output, 'models', report.models.length === 0 ? 'none' : report.models.join(', '));
    if (report.rows !== undefined && Object.keys(report.rows).length > 0) {
      row(
        output,
        'data',
        Object.entries(report.rows)
          .map(([model, n]) => `${model} ${n} row${n === 1 ? '' : 's'}`)
          .join(', '),
      );
    }
    if (report.health !== undefined) {
      const latency = report.health.latencyMs === null ? '' : ` (${report.health.latencyMs.toFixed(1)}ms)`;
      const text = `${report.health.status}${latency}${report.health.error === undefined ? '' : `: ${report.health.error}`}`;
      row(output, 'health', report.health.status === 'healthy' ? output.style('green', text) : output.style('yellow', text));
    }
  }
}

/** Prints plugin rows for people. */
export function renderPluginRows(output: CliOutput, rows: readonly PluginRow[]): void {
  output.print(output.style('bold', 'Plugins'));
  if (rows.length === 0) output.print('  none configured');
  for (const plugin of rows) {
    const mark = plugin.state === 'failed' ? output.style('red', '✖') : plugin.state === 'loaded' ? output.style('green', '✔') : '-';
    const version = plugin.version === null ? '' : ` ${plugin.version}`;
    const time = plugin.loadTimeMs === null ? '' : `  loaded in ${formatMs(plugin.loadTimeMs)}`;
    output.print(`  ${mark} ${output.style('bold', plugin.name)}${version}  ${plugin.state}${time}`);
    if (plugin.url !== undefined)
      row(output, 'serving', plugin.name === 'metrics-http' ? `${plugin.url}/metrics, /healthz, /readyz` : plugin.url);
    if (plugin.error !== null) row(output, 'error', `${plugin.error.code}: ${plugin.error.message}`);
    if (plugin.hookErrors > 0) {
      row(
        output,
        'hooks',
        output.style('yellow', `${plugin.hookErrors} failed${plugin.lastHookError === null ? '' : `, last: ${plugin.lastHookError}`}`),
      );
    }
  }
}

function row(output: CliOutput, label: string, text: string): void {
  output.print(`      ${label.padEnd(11)}${text}`);
}

function ledger(output: CliOutput, label: string, report: LedgerReport | null, detail: ReportDetail, appName: string): void {
  if (report === null) {
    row(output, label, 'not configured');
    return;
  }
  const now = report.appliedNow.length > 0 ? ` (${report.appliedNow.length} now, batch ${report.batch ?? '-'})` : '';
  const drift = report.drifted.length > 0 ? output.style('yellow', `, ${report.drifted.length} drifted`) : '';
  const dirty = report.dirty.length > 0 ? output.style('red', `, ${report.dirty.length} dirty`) : '';
  row(output, label, `${report.applied.length} applied${now}, ${report.pending.length} pending${drift}${dirty}`);
  for (const name of report.dirty) {
    output.print(
      `        ${output.style('red', '✘')} ${name}  started, never finished: may be partly applied (check it, then knexus repair ${appName} --${label === 'seeds' ? 'seed' : 'migration'} ${name} --resolution applied|rolled-back)`,
    );
  }
  if (report.knexHistory !== undefined) {
    const { table, applied } = report.knexHistory;
    output.print(
      `        ${output.style('yellow', '!')} knex's ledger ${table} lists ${applied.length} applied migration(s) knexus would run again: ` +
        `import them with knexus baseline ${appName} --from-knex (or migrations.importKnexHistory)`,
    );
  }
  if (report.otherAppHistory !== undefined) {
    const { app, applied } = report.otherAppHistory;
    output.print(
      `        ${output.style('yellow', '!')} these ${label} were applied under app '${app}' (${applied.length}, same names and checksums): ` +
        `the same project under another name; knexus will not run them again. Name the app '${app}' (knexus.name in the knexfile, or --app ${app}), or move its rows to '${appName}'`,
    );
  }
  if (detail === 'summary') {
    for (const d of report.drifted)
      output.print(`        ${output.style('yellow', '!')} ${d.name} ${d.current === null ? 'is missing' : 'changed since it ran'}`);
    return;
  }
  for (const entry of report.applied) {
    // Rows knexus did not run itself say so: `baseline` (marked applied) or `imported` (from knex's ledger).
    const origin = entry.origin === undefined || entry.origin === 'run' ? '' : `  ${entry.origin}`;
    output.print(`        ${output.style('green', '✔')} ${entry.name}  batch ${entry.batch}  ${formatDate(entry.appliedAt)}${origin}`);
  }
  for (const name of report.pending) output.print(`        ${output.style('dim', '○')} ${name}  pending`);
  for (const d of report.drifted) {
    output.print(
      `        ${output.style('yellow', '!')} ${d.name}  ${d.current === null ? 'file missing' : 'changed since it ran'} (recorded ${d.recorded.slice(0, 12)})`,
    );
  }
}

function formatDate(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}
