/**
 * Config-driven loading of 9 plugins, one taking 300 ms and eight 50 ms to initialize, with
 * concurrency 3: knexus's sliding window against the ideal sliding-window makespan (list
 * scheduling in config order) and against the spec's fixed batches of 3, measured in this run,
 * for the slow plugin first, in the middle and last.
 *
 * Run: npm run bench -- plugin-loading (plain JavaScript on the build, so no loader sits in the measured path)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppRegistry } from 'knexus';
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'plugins');
const CONCURRENCY = 3;
const LIMIT = 1.1;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The makespan of an ideal sliding window: each task starts, in order, on the first free slot. */
function idealMakespan(durations, slots) {
  const free = new Array(slots).fill(0);
  for (const d of durations) {
    const slot = free.indexOf(Math.min(...free));
    free[slot] = free[slot] + d;
  }
  return Math.max(...free);
}
/** The spec's approach: Promise.all over fixed batches of `size`. */
async function batches(durations, size) {
  const started = performance.now();
  for (let i = 0; i < durations.length; i += size)
    await Promise.all(durations.slice(i, i + size).map(sleep));
  return performance.now() - started;
}
async function knexus(durations) {
  const plugins = {};
  durations.forEach((delay, i) => (plugins[`p${i}`] = { module: './timed.mjs', config: { name: `p${i}`, delay } }));
  const registry = new AppRegistry({ baseDir: fixtures, plugins, pluginManager: { concurrency: CONCURRENCY } });
  const started = performance.now();
  const result = await registry.initialize();
  const elapsed = performance.now() - started;
  await registry.shutdown();
  if (result.failedPlugins.length > 0)
    throw new Error(`failed: ${result.failedPlugins.map((f) => f.error.message).join('; ')}`);
  return elapsed;
}
// Warm the module cache so the first layout does not pay for the import alone.
await knexus([1]);
let worst = 0;
for (const [label, slowAt] of [
  ['slow plugin first', 0],
  ['slow plugin in the middle', 4],
  ['slow plugin last', 8],
]) {
  const durations = Array.from({ length: 9 }, (_, i) => (i === slowAt ? 300 : 50));
  const ideal = idealMakespan(durations, CONCURRENCY);
  const measured = await knexus(durations);
  const batched = await batches(durations, CONCURRENCY);
  const ratio = measured / ideal;
  worst = Math.max(worst, ratio);
  console.log(`${label.padEnd(27)} knexus ${measured.toFixed(0).padStart(4)} ms | ideal sliding window ${String(ideal).padStart(4)} ms | ` +
    `spec batches ${batched.toFixed(0).padStart(4)} ms | knexus/ideal ${ratio.toFixed(3)}× | batches/ideal ${(batched / ideal).toFixed(3)}×`);
}
console.log(`\nworst knexus/ideal ratio ${worst.toFixed(3)}× (limit ${LIMIT}×): ${worst <= LIMIT ? 'met' : 'NOT met'}`);
