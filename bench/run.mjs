/**
 * Runs every benchmark in this folder (or those whose name contains a non-flag argument), each in a
 * process of its own, and records the machine, the versions, every sample and every ratio in
 * bench/results/latest.json (`--quick`: bench/results/quick.json, small sizes, one round each).
 * Benchmarks are plain JavaScript on the build (`npm run bench` builds first), so no TypeScript
 * loader sits in the measured path. Unmet targets are reported, not failed: only a crash fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';

const dir = fileURLToPath(new URL('.', import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.argv.slice(2).find((a) => !a.startsWith('--'));
const require = createRequire(import.meta.url);

async function serverVersion(config, sql) {
  const knex = knexFactory({ ...config, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 3_000 });
  try {
    const result = await knex.raw(sql);
    const row = Array.isArray(result) ? result[0][0] : result.rows[0];
    return Object.values(row)[0];
  } catch {
    return 'unreachable';
  } finally {
    await knex.destroy();
  }
}

const packageVersion = (name) => require(`${name}/package.json`).version;
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: process.platform,
};
const versions = {
  knexus: packageVersion('knexus'),
  ...Object.fromEntries(['knex', 'objection', 'pg', 'mysql2', 'better-sqlite3', 'jiti', 'tsx'].map((n) => [n, packageVersion(n)])),
  postgresql: await serverVersion(
    { client: 'pg', connection: { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' } },
    'show server_version',
  ),
  mariadb: await serverVersion(
    { client: 'mysql2', connection: { host: '127.0.0.1', port: 3306, user: 'root', password: '' } },
    'select version() as v',
  ),
};
console.log(
  `${machine.cpu} × ${machine.cores}, Node ${machine.node}; knex ${versions.knex}, PostgreSQL ${versions.postgresql}, MariaDB ${versions.mariadb}`,
);

const scenarios = [];
let failed = false;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--expose-gc', `${dir}${file}`, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('::bench::'))
      scenarios.push({ file, seconds: Math.round((performance.now() - started) / 100) / 10, ...JSON.parse(line.slice(9)) });
    else if (line !== '') console.log(line);
  }
  if (run.status !== 0) {
    failed = true;
    console.log(`!! ${file} exited with ${run.status ?? run.signal}`);
  }
}

mkdirSync(`${dir}results`, { recursive: true });
const out = `${dir}results/${quick ? 'quick' : 'latest'}.json`;
// A run of some scenarios (`npm run bench -- cold-start`) replaces theirs and keeps the others' last results.
if (only && existsSync(out)) {
  const ran = new Set(scenarios.map((s) => s.file));
  const kept = JSON.parse(readFileSync(out, 'utf8')).scenarios.filter((s) => !ran.has(s.file));
  scenarios.unshift(...kept);
  scenarios.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
const results = { recordedAt: new Date().toISOString(), quick, machine, versions, scenarios };
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

console.log('\n| scenario | measure | knexus | baseline | ratio | target |\n| --- | --- | --- | --- | --- | --- |');
for (const s of scenarios) {
  for (const m of s.metrics) {
    const fmt = (v) => `${v >= 100 ? v.toFixed(0) : v.toFixed(2)} ${m.unit}`;
    const target = m.target === undefined ? '' : `≤ ${m.target}${m.baseline ? '×' : ''} ${m.met ? '✔' : '✘'}`;
    console.log(
      `| ${s.scenario} | ${m.name} | ${fmt(m.value)} | ${m.baseline ? `${m.baseline.name}: ${fmt(m.baseline.value)}` : ''} | ${m.ratio === undefined ? '' : `${m.ratio.toFixed(2)}×`} | ${target} |`,
    );
  }
}
console.log(`\nresults: ${out}`);
process.exitCode = failed ? 1 : 0;
