/**
 * (7) Cold start, each run a fresh Node process, rounds alternating with the baseline
 * `node -e "await import('knex')"`:
 * - `import('knexus')` (no driver, CLI or plugin loaded);
 * - `knexus up --once` on the demo as an installed package runs it (the compiled bin, `knexus`
 *   resolved from the project's node_modules): once on a fresh database with an empty TypeScript
 *   cache (the first run after a fresh install), once with nothing to do.
 * - the same on a plain JavaScript app (no models, plugins or TypeScript), and the floor the demo
 *   cannot go below: Node loading knex and objection (the demo's models import objection).
 * Targets: import ≤ 1.5×; up with nothing to do ≤ 2×; first run ≤ 3×.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICK, alternate, check, metric, report } from './harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/src/cli/bin.js');
const project = mkdtempSync(join(tmpdir(), 'knexus-bench-up-'));
// The project depends on knexus and its peers: links stand in for the installed packages.
mkdirSync(join(project, 'node_modules'));
symlinkSync(root, join(project, 'node_modules', 'knexus'), 'dir');
for (const peer of ['knex', 'objection', 'better-sqlite3'])
  symlinkSync(join(root, 'node_modules', peer), join(project, 'node_modules', peer), 'dir');
// The demo config, with its data and migration paths pinned so nothing is written into the repository.
writeFileSync(
  join(project, 'registry.config.ts'),
  `import demo from ${JSON.stringify(join(root, 'registry.config.ts'))};
export default { ...demo, apps: { blog: { ...demo.apps.blog,
  database: { client: 'better-sqlite3', connection: { filename: './data/blog.sqlite' } },
  migrations: { directory: ${JSON.stringify(join(root, 'migrations'))} },
  seeds: { directory: ${JSON.stringify(join(root, 'seeds'))} } } } };`,
);

// The same without TypeScript, models or plugins: what knexus itself adds to a JavaScript project.
writeFileSync(
  join(project, 'plain.config.mjs'),
  `export default { apps: { plain: { database: { client: 'better-sqlite3', connection: { filename: './data/plain.sqlite' } },
  migrations: { directory: ${JSON.stringify(join(root, 'bench/fixtures/migrations'))} } } } };`,
);

function wall(args, env = {}) {
  const started = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: project, env: { ...process.env, METRICS_PORT: '0', ...env }, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return { ms, stdout: run.stdout };
}

const importOf = (specifier) => () => wall(['--input-type=module', '-e', `await import('${specifier}')`]).ms;
let cache;
const samples = await alternate(
  [
    { name: "import('knex')", run: importOf('knex') },
    { name: "import('knexus')", run: importOf('knexus') },
    {
      name: 'first run',
      run: () => {
        rmSync(join(project, 'data'), { recursive: true, force: true });
        if (cache !== undefined) rmSync(cache, { recursive: true, force: true });
        cache = mkdtempSync(join(tmpdir(), 'knexus-bench-jiti-'));
        const cold = wall([bin, 'up', '--once', '--json'], { JITI_FS_CACHE: cache });
        const blog = JSON.parse(cold.stdout).apps?.blog;
        check(
          blog?.state === 'ready' && blog.migrations.applied.length === 3,
          `the first run registered blog: ${cold.stdout.slice(0, 200)}`,
        );
        return cold.ms;
      },
    },
    { name: 'nothing to do', run: () => wall([bin, 'up', '--once', '--quiet'], { JITI_FS_CACHE: cache }).ms },
    {
      name: "import('knex') + import('objection')",
      run: () => wall(['--input-type=module', '-e', "await import('knex'); await import('objection')"]).ms,
    },
    { name: 'plain JavaScript app', run: () => wall([bin, 'up', '--once', '--quiet', '--config', 'plain.config.mjs']).ms },
  ],
  { rounds: QUICK ? 1 : 7 },
);
rmSync(project, { recursive: true, force: true });
if (cache !== undefined) rmSync(cache, { recursive: true, force: true });

const knex = { name: "node -e import('knex')", samples: samples["import('knex')"] };
report('cold start (fresh Node processes)', [
  metric("node -e import('knexus')", 'ms', samples["import('knexus')"], { baseline: knex, target: 1.5 }),
  metric('knexus up --once, first run after install', 'ms', samples['first run'], { baseline: knex, target: 3 }),
  metric('knexus up --once, nothing to do', 'ms', samples['nothing to do'], { baseline: knex, target: 2 }),
  // The demo's config imports objection itself: this is the floor under the two runs above.
  metric("node -e import('knex') + import('objection')", 'ms', samples["import('knex') + import('objection')"], { baseline: knex }),
  metric(
    'knexus up --once, plain JavaScript app (no models, plugins or TypeScript), nothing to do',
    'ms',
    samples['plain JavaScript app'],
    { baseline: knex, target: 2 },
  ),
]);
