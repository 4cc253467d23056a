/**
 * (5) Config-driven loading of 9 plugins, one slow and eight quick, 3 at a time: knexus's sliding
 * window against the ideal sliding-window makespan (list scheduling in config order), with the slow
 * plugin first, in the middle and last; once with the delay in `initialize()` and once in an ES
 * module's top-level await (the delay is in the import itself).
 * Target: ≤ 1.05× the ideal makespan.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppRegistry } from 'knexus';
import { QUICK, alternate, check, metric, report, time } from './harness.mjs';

const fixtures = fileURLToPath(new URL('../test/fixtures/plugins', import.meta.url));
const CONCURRENCY = 3;
const [SLOW, FAST] = QUICK ? [100, 20] : [300, 50];
const work = mkdtempSync(join(tmpdir(), 'knexus-bench-plugins-'));

/** The makespan of an ideal sliding window: each task starts, in order, on the first free slot. */
function idealMakespan(durations) {
  const free = new Array(CONCURRENCY).fill(0);
  for (const d of durations) {
    const slot = free.indexOf(Math.min(...free));
    free[slot] += d;
  }
  return Math.max(...free);
}

let sequence = 0;
/** A fresh ES module (never cached) whose evaluation awaits `delay` ms. */
function topLevelAwaitPlugin(name, delay) {
  const file = join(work, `tla-${sequence++}.mjs`);
  writeFileSync(
    file,
    `await new Promise((resolve) => setTimeout(resolve, ${delay}));
export default class { name = ${JSON.stringify(name)}; version = '1.0.0'; initialize() {} shutdown() {} getStatus() { return {}; } }`,
  );
  return file;
}

async function load(durations, style) {
  const plugins = {};
  durations.forEach((delay, i) => {
    const name = `p${i}`;
    plugins[name] =
      style === 'initialize' ? { module: './timed.mjs', config: { name, delay } } : { module: topLevelAwaitPlugin(name, delay) };
  });
  // The generated modules live in a temp folder: allowed explicitly, as plugin modules outside baseDir must be.
  const registry = new AppRegistry({
    baseDir: fixtures,
    plugins,
    pluginManager: { concurrency: CONCURRENCY, allowedRoots: [fixtures, work] },
  });
  const elapsed = await time(async () => {
    const result = await registry.initialize();
    check(
      result.failedPlugins.length === 0 && result.loadedPlugins.length === durations.length,
      `all ${durations.length} plugins loaded: ${JSON.stringify(result.failedPlugins)}`,
    );
  });
  await registry.shutdown();
  return elapsed;
}

const metrics = [];
for (const style of ['initialize', 'top-level await']) {
  for (const [label, slowAt] of [
    ['slow first', 0],
    ['slow in the middle', 4],
    ['slow last', 8],
  ]) {
    const durations = Array.from({ length: 9 }, (_, i) => (i === slowAt ? SLOW : FAST));
    const ideal = idealMakespan(durations);
    const samples = await alternate([{ name: 'knexus', run: () => load(durations, style) }], { rounds: QUICK ? 1 : 3 });
    metrics.push(metric(`${style}, ${label}`, 'ms', samples['knexus'], { baseline: { name: 'ideal', samples: [ideal] }, target: 1.05 }));
  }
}
rmSync(work, { recursive: true, force: true });
report(`plugin loading, 9 plugins (${SLOW} ms and 8 × ${FAST} ms), ${CONCURRENCY} at a time`, metrics);
