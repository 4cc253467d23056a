import { describe, expect, it } from 'vitest';
import type { AppRegistry, Plugin } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';
import { testPlugin } from './support/test-plugin.js';

describe('hook order between plugins', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('pre plugins finish before the others start, post plugins start after; priority orders starts within a phase', async () => {
    registry = createRegistry();
    const events: string[] = [];
    const plugin = (name: string, extra: Partial<Plugin>, delay: number): Plugin =>
      testPlugin({
        ...extra,
        name,
        async onHealthCheck() {
          events.push(`start:${name}`);
          await new Promise((resolve) => setTimeout(resolve, delay));
          events.push(`end:${name}`);
        },
      });
    await registry.loadPlugin(plugin('post', { order: 'post' }, 1));
    await registry.loadPlugin(plugin('normal-late', { priority: 5 }, 1));
    await registry.loadPlugin(plugin('normal-early', { priority: -5 }, 10));
    await registry.loadPlugin(plugin('pre', { order: 'pre' }, 10));
    await registry.loadPlugin(plugin('normal-default', {}, 1));

    await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
    expect(events.slice(0, 2)).toEqual(['start:pre', 'end:pre']);
    // Within the normal phase: started by priority (lower first, then load order), all concurrently.
    expect(events.slice(2, 5)).toEqual(['start:normal-early', 'start:normal-default', 'start:normal-late']);
    expect(events.indexOf('end:normal-late')).toBeLessThan(events.indexOf('end:normal-early'));
    expect(events.slice(-2)).toEqual(['start:post', 'end:post']);
  });

  it('synchronous hooks run in the same order, and results of every phase are returned', async () => {
    registry = createRegistry();
    const calls: string[] = [];
    for (const [name, extra] of [
      ['c', { order: 'post' }],
      ['b', {}],
      ['a', { order: 'pre' }],
    ] as const) {
      await registry.loadPlugin(
        testPlugin({
          ...extra,
          name,
          onHealthCheck: () => {
            calls.push(name);
            return { name };
          },
        }),
      );
    }
    const results = await registry.plugins.dispatch('onHealthCheck', 'app', {} as never);
    expect(calls).toEqual(['a', 'b', 'c']);
    expect([...results.keys()]).toEqual(['a', 'b', 'c']);
  });
});
