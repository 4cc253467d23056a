/**
 * (4) One hook event dispatched to 10 plugins, each call isolated (own deadline, lazily created
 * AbortSignal, error capture, metrics), against a bare `Promise.all` of the same 10 async functions:
 * async plugins, synchronous plugins, and a hook no plugin implements.
 * Targets: async ≤ 1.5× bare Promise.all; a hook nobody implements ≤ 0.2 µs.
 */
import { AppRegistry, definePlugin } from 'knexus';
import { QUICK, alternate, check, metric, report } from './harness.mjs';

const PLUGINS = 10;
const EVENTS = QUICK ? 2_000 : 20_000;
let calls = 0;
const registry = new AppRegistry({ pluginManager: { hookTimeout: 5_000 } });
for (let i = 0; i < PLUGINS; i++) {
  await registry.loadPlugin(
    definePlugin({
      name: `p${i}`,
      version: '1.0.0',
      initialize() {},
      shutdown() {},
      getStatus: () => ({}),
      async onAppRegistered(appName) {
        calls += appName.length;
      },
      onAppUnregistered(appName) {
        calls += appName.length;
      },
    }),
  );
}
const manager = registry.plugins;
const fns = Array.from({ length: PLUGINS }, () => async (appName) => {
  calls += appName.length;
});

/** µs per event over `EVENTS` events. */
const perEvent = (event) => async () => {
  const started = performance.now();
  for (let i = 0; i < EVENTS; i++) await event();
  return ((performance.now() - started) * 1000) / EVENTS;
};

// The hooks really ran: 10 plugins × 3 letters per event.
calls = 0;
await manager.dispatch('onAppRegistered', 'app', {}, {});
await manager.dispatch('onAppUnregistered', 'app', {});
check(calls === 2 * PLUGINS * 3, `every plugin heard both events (${calls})`);

const samples = await alternate(
  [
    { name: 'bare Promise.all', run: perEvent(() => Promise.all(fns.map((f) => f('app')))) },
    { name: 'async', run: perEvent(() => manager.dispatch('onAppRegistered', 'app', {}, {})) },
    { name: 'sync', run: perEvent(() => manager.dispatch('onAppUnregistered', 'app', {})) },
    { name: 'none', run: perEvent(() => manager.dispatch('onAppRollbackStarted', 'app', {}, {})) },
  ],
  { rounds: QUICK ? 1 : 9, warmup: QUICK ? 1 : 3 },
);
await registry.shutdown();
const bare = { name: 'bare Promise.all', samples: samples['bare Promise.all'] };
report(`hook dispatch to ${PLUGINS} plugins`, [
  metric('async plugins', 'µs/event', samples['async'], { baseline: bare, target: 1.5 }),
  metric('synchronous plugins', 'µs/event', samples['sync'], { baseline: bare }),
  metric('hook no plugin implements', 'µs/event', samples['none'], { target: 0.2 }),
]);
