import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppRegistry, PluginEntry } from '../src/index.js';
import { resetProbe } from './fixtures/plugins/probe.mjs';
import { useRegistry } from './support/use-registry.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const timed = (name: string, delay: number, extra: Record<string, unknown> = {}): PluginEntry => ({
  module: './timed.mjs',
  config: { name, delay, ...extra },
});

describe('sliding-window loading', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('keeps at most `concurrency` initializations in flight and refills a slot as soon as it frees', async () => {
    const probe = resetProbe();
    // Durations 4× the smallest that shows the difference, so a loaded machine's late timers fit in the margin.
    const plugins: Record<string, PluginEntry> = { p0: timed('p0', 600) };
    for (let i = 1; i <= 8; i++) plugins[`p${i}`] = timed(`p${i}`, 60);
    registry = createRegistry({ baseDir: fixtures, plugins, pluginManager: { concurrency: 3 } });

    const started = performance.now();
    const result = await registry.initialize();
    const elapsed = performance.now() - started;

    expect(result.failedPlugins).toEqual([]);
    expect(result.loadedPlugins).toEqual(Object.keys(plugins));
    expect(probe.peak).toBe(3);
    // Without dependencies, plugins start in config order.
    expect(probe.events.filter((e) => e.startsWith('start:'))).toEqual(Object.keys(plugins).map((k) => `start:${k}`));
    // Sliding window: p3..p8 start and finish while the slow p0 still holds its slot; a batch
    // loader would start p3 only after p0 ended.
    const p0End = probe.events.indexOf('end:p0');
    expect(probe.events.indexOf('start:p3')).toBeLessThan(p0End);
    expect(probe.events.indexOf('end:p8')).toBeLessThan(p0End);
    // Ideal makespan is 600 ms: p0 alone in one slot while 8 × 60 ms run in the other two, so the
    // slow plugin is the last to finish. Batches of 3 would take 720 ms, sequential loading 1,080 ms.
    expect(probe.events.at(-1)).toBe('end:p0');
    expect(elapsed).toBeGreaterThanOrEqual(599);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('respects concurrency 1 and a larger window alike', async () => {
    const probe = resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      plugins: { a: timed('a', 5), b: timed('b', 5), c: timed('c', 5) },
      pluginManager: { concurrency: 1 },
    });
    await registry.initialize();
    expect(probe.peak).toBe(1);
    expect(probe.events).toEqual(['start:a', 'end:a', 'start:b', 'end:b', 'start:c', 'end:c']);
    await registry.shutdown();

    const wide = resetProbe();
    registry = createRegistry({
      baseDir: fixtures,
      plugins: { a: timed('a', 10), b: timed('b', 10), c: timed('c', 10), d: timed('d', 10) },
      pluginManager: { concurrency: 10 },
    });
    await registry.initialize();
    expect(wide.peak).toBe(4);
  });
});
