/**
 * Wall time of `knexus up --once` on the demo, as an installed package runs it (the compiled bin,
 * `knexus` resolved from the project's node_modules), against `node -e "await import('knex')"`
 * measured in the same run, rounds alternating:
 * - cold: a fresh database and an empty TypeScript cache (the first run after a fresh install);
 * - warm: nothing to apply, cache filled.
 * Targets: warm ≤ 2× the baseline, cold ≤ 3×.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = process.argv.includes('--quick') ? 1 : 5;
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/src/cli/bin.js');
const project = mkdtempSync(join(tmpdir(), 'knexus-bench-up-'));
// The project depends on knexus and its peers: links stand in for the installed packages.
mkdirSync(join(project, 'node_modules'));
symlinkSync(root, join(project, 'node_modules', 'knexus'), 'dir');
for (const peer of ['knex', 'objection', 'better-sqlite3']) symlinkSync(join(root, 'node_modules', peer), join(project, 'node_modules', peer), 'dir');
// The demo config, with its data and migration paths pinned so nothing is written into the repository.
writeFileSync(
  join(project, 'registry.config.ts'),
  `import demo from ${JSON.stringify(join(root, 'registry.config.ts'))};
export default { ...demo, apps: { blog: { ...demo.apps.blog,
  database: { client: 'better-sqlite3', connection: { filename: './data/blog.sqlite' } },
  migrations: { directory: ${JSON.stringify(join(root, 'migrations'))} },
  seeds: { directory: ${JSON.stringify(join(root, 'seeds'))} } } } };`,
);

function wall(args, env = {}) {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: project, env: { ...process.env, METRICS_PORT: '0', ...env }, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return { ms, stdout: run.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const samples = { baseline: [], cold: [], warm: [] };
for (let round = 0; round < ROUNDS; round++) {
  samples.baseline.push(wall(['--input-type=module', '-e', "await import('knex')"]).ms);
  rmSync(join(project, 'data'), { recursive: true, force: true });
  const cache = mkdtempSync(join(tmpdir(), 'knexus-bench-jiti-'));
  const cold = wall([bin, 'up', '--once', '--json'], { JITI_FS_CACHE: cache });
  // The run counts only if it really applied the demo's migrations and seeds.
  const blog = JSON.parse(cold.stdout).apps?.blog;
  if (blog?.state !== 'ready' || blog.migrations.applied.length !== 3) throw new Error(`cold run did not register blog: ${cold.stdout}`);
  samples.cold.push(cold.ms);
  samples.warm.push(wall([bin, 'up', '--once', '--quiet'], { JITI_FS_CACHE: cache }).ms);
  rmSync(cache, { recursive: true, force: true });
}
rmSync(project, { recursive: true, force: true });

const base = median(samples.baseline);
const line = (label, key, target) => {
  const ms = median(samples[key]);
  const ratio = ms / base;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}× baseline  (target ≤ ${target}×: ${ratio <= target ? 'met' : 'NOT met'})`);
};
console.log(`${ROUNDS} round(s), medians`);
console.log(`${"node -e \"await import('knex')\" (baseline)".padEnd(44)} ${base.toFixed(0).padStart(5)} ms`);
line('knexus up --once, fresh install + database', 'cold', 3);
line('knexus up --once, nothing to do', 'warm', 2);
