/**
 * One hook event dispatched to 10 plugins, each call isolated (own timeout, lazily created
 * AbortSignal, error capture, metrics), against a bare `Promise.all` of 10 async functions and
 * against wrapping each call in its own p-timeout, measured in this run. Rounds of the variants
 * are interleaved so that load from other processes hits them alike; medians are reported.
 *
 * Run: npm run bench -- hook-dispatch (plain JavaScript on the build, so no loader sits in the measured path)
 */
import pTimeout from 'p-timeout';
import { AppRegistry, definePlugin } from 'knexus';
const PLUGINS = 10;
const EVENTS = 10_000;
const ROUNDS = 9;
/** The budget: 5 µs per event where a bare Promise.all of 10 async functions takes ~0.85 µs. */
const TARGET_US = 5;
const REFERENCE_BARE_US = 0.85;
let sink = 0;
const registry = new AppRegistry({ pluginManager: { hookTimeout: 5_000 } });
for (let i = 0; i < PLUGINS; i++) {
  await registry.loadPlugin(definePlugin({
    name: `p${i}`,
    version: '1.0.0',
    initialize() { },
    shutdown() { },
    getStatus: () => ({}),
    async onAppRegistered(appName) {
      sink += appName.length;
    },
    onAppUnregistered(appName) {
      sink += appName.length;
    },
  }));
}
const manager = registry.plugins;
const args = ['app', {}, {}];
const fns = Array.from({ length: PLUGINS }, () => async (appName) => {
  sink += appName.length;
});
const variants = [
  ['baseline: Promise.all of 10 async functions', () => Promise.all(fns.map((f) => f('app'))), EVENTS],
  ['knexus: dispatch to 10 async plugins (isolated, timed)', () => manager.dispatch('onAppRegistered', ...args), EVENTS],
  ['knexus: dispatch to 10 synchronous plugins', () => manager.dispatch('onAppUnregistered', 'app', {}), EVENTS],
  ['knexus: dispatch of a hook no plugin implements', () => manager.dispatch('onAppRollbackStarted', 'app', {}, {}), EVENTS],
  // Far slower: fewer events per round keep the run short.
  ['baseline: each call in its own p-timeout', () => Promise.all(fns.map((f) => pTimeout(f('app'), { milliseconds: 5_000 }))), EVENTS / 10],
];
async function round(event, events) {
  const started = performance.now();
  for (let i = 0; i < events; i++)
    await event();
  return ((performance.now() - started) * 1000) / events;
}
const samples = variants.map(() => []);
// Warm-up long enough for the optimizing compiler to settle on every path.
for (const [, event, events] of variants)
  await round(event, events * 3);
for (let r = 0; r < ROUNDS; r++) {
  for (let v = 0; v < variants.length; v++)
    samples[v].push(await round(variants[v][1], variants[v][2]));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [bare, dispatched, sync, none, perCall] = samples.map(median);
for (let v = 0; v < variants.length; v++) {
  console.log(`${variants[v][0].padEnd(58)} ${median(samples[v]).toFixed(2).padStart(8)} µs/event`);
}
const budget = (TARGET_US / REFERENCE_BARE_US) * bare;
console.log('');
console.log(`ratio dispatch / bare Promise.all:   ${(dispatched / bare).toFixed(2)}×  (budget ${(TARGET_US / REFERENCE_BARE_US).toFixed(1)}×)`);
console.log(`ratio dispatch / per-call p-timeout: ${(dispatched / perCall).toFixed(3)}×`);
console.log(`sync dispatch: ${sync.toFixed(2)} µs, hook without handlers: ${none.toFixed(2)} µs`);
console.log(`target ${TARGET_US} µs at a ${REFERENCE_BARE_US} µs baseline = ${budget.toFixed(2)} µs at this run's ${bare.toFixed(2)} µs baseline: ` +
  `${dispatched <= budget ? 'met' : 'NOT met'} (${dispatched.toFixed(2)} µs)`);
await registry.shutdown();
if (sink < 0)
  console.log(sink);
