/**
 * Wall time of `knexus up --once` on the demo (a fresh SQLite file, then a second run that applies
 * nothing), against the same process doing nothing but starting Node and loading knex, measured in
 * this run. Target: under 2 s wall.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'knexus-bench-up-'));
// The demo config, with its data and plugin paths pinned so nothing is written into the repository.
writeFileSync(
  join(dir, 'registry.config.ts'),
  `import demo from ${JSON.stringify(join(root, 'registry.config.ts'))};
const plugins = Object.fromEntries(Object.entries(demo.plugins).map(([k, e]) => [k, { ...e, module: ${JSON.stringify(root)} + '/' + e.module }]));
export default { ...demo, plugins, apps: { blog: { ...demo.apps.blog,
  database: { client: 'better-sqlite3', connection: { filename: './data/blog.sqlite' } },
  migrations: { directory: ${JSON.stringify(join(root, 'migrations'))} },
  seeds: { directory: ${JSON.stringify(join(root, 'seeds'))} } } } };`,
);

function wall(args, cwd) {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd, env: { ...process.env, METRICS_PORT: '0' }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return performance.now() - started;
}

const baseline = wall(['--input-type=module', '-e', "await import('knex')"], root);
const first = wall([join(root, 'src/cli/bin.mjs'), 'up', '--once', '--quiet'], dir);
const second = wall([join(root, 'src/cli/bin.mjs'), 'up', '--once', '--quiet'], dir);
rmSync(dir, { recursive: true, force: true });

console.log(`node + import('knex') baseline : ${baseline.toFixed(0)} ms`);
console.log(`knexus up --once, fresh database: ${first.toFixed(0)} ms (${(first / baseline).toFixed(1)}× baseline)`);
console.log(`knexus up --once, nothing to do : ${second.toFixed(0)} ms (${(second / baseline).toFixed(1)}× baseline)`);
console.log(`target under 2000 ms wall: ${Math.max(first, second) < 2000 ? 'met' : 'NOT met'}`);
