/**
 * (6) Many apps on one shared connection: a reusable SQLite owner and N apps with `useConnection`,
 * registered then unregistered; apps per second each way, and heap and RSS before, at the peak
 * (all registered) and after GC once they are gone.
 * Target: heap after ≤ 1.05× heap before.
 */
import { AppRegistry } from 'knexus';
import { QUICK, check, metric, report, time } from './harness.mjs';

const APPS = QUICK ? 100 : 1_000;
const mb = () => {
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed / 2 ** 20, rss: rss / 2 ** 20 };
};
const collected = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return mb();
};

const registry = new AppRegistry();
await registry.registerApp('main', { database: { client: 'better-sqlite3', connection: { filename: ':memory:' } }, reusable: true });
// Warm-up: one small round, so the measured rounds see compiled code.
for (let i = 0; i < 20; i++) await registry.registerApp(`warm_${i}`, { useConnection: 'main' });
for (let i = 0; i < 20; i++) await registry.unregisterApp(`warm_${i}`);

const before = collected();
const registerMs = await time(async () => {
  for (let i = 0; i < APPS; i++) await registry.registerApp(`app_${i}`, { useConnection: 'main' });
});
const peak = mb();
check(registry.getAllApps().length === APPS + 1, `${APPS} apps registered on the shared connection`);
const unregisterMs = await time(async () => {
  for (let i = 0; i < APPS; i++) await registry.unregisterApp(`app_${i}`);
});
const after = collected();
check(registry.getAllApps().length === 1, 'every sharing app unregistered');
await registry.shutdown();

report(`${APPS} apps on one shared connection (SQLite)`, [
  metric('register', 'apps/s', [(APPS * 1000) / registerMs]),
  metric('unregister', 'apps/s', [(APPS * 1000) / unregisterMs]),
  metric('heap at peak', 'MB', [peak.heap], { baseline: { name: 'heap before', samples: [before.heap] } }),
  metric('heap after GC', 'MB', [after.heap], { baseline: { name: 'heap before', samples: [before.heap] }, target: 1.05 }),
  metric('RSS at peak', 'MB', [peak.rss], { baseline: { name: 'RSS before', samples: [before.rss] } }),
  metric('RSS after GC', 'MB', [after.rss], { baseline: { name: 'RSS before', samples: [before.rss] } }),
]);
