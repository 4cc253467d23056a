import type { PluginContext } from './plugin.js';
import type { HostListener } from './plugin-host.js';
import type { PluginRecord } from './plugin-record.js';

const ADDERS = new Set<PropertyKey>(['on', 'addListener', 'once']);
const REMOVERS = new Set<PropertyKey>(['off', 'removeListener']);

/**
 * The context one plugin is given (the registry, scoped): listeners it adds through `on`/`addListener`/`once` are
 * recorded on its `PluginRecord` so `unload()` can remove them (and ignored once the record is
 * revoked), and `removeAllListeners` only removes the plugin's own. Everything else passes through to the registry, bound to it so its
 * `#private` fields keep working.
 */
export function createScopedContext(host: PluginContext, record: PluginRecord, baseDir: string): PluginContext {
  const bound = new Map<PropertyKey, unknown>();
  const target = host as unknown as Record<PropertyKey, unknown>;

  const removeOwn = (event?: string): void => {
    for (let i = record.listeners.length - 1; i >= 0; i--) {
      const entry = record.listeners[i]!;
      if (event !== undefined && entry.event !== event) continue;
      host.removeListener(entry.event, entry.fn, entry.context, entry.once);
      record.listeners.splice(i, 1);
    }
  };

  const proxy: PluginContext = new Proxy(host, {
    get(_target, key) {
      if (ADDERS.has(key)) {
        const once = key === 'once';
        return (event: string, fn: HostListener, context?: unknown) => {
          // A plugin whose load timed out may still be running initialize(): it must not start listening.
          if (record.revoked) return proxy;
          if (once) host.once(event, fn, context);
          else host.on(event, fn, context);
          record.listeners.push({ event, fn, context, once });
          return proxy;
        };
      }
      if (REMOVERS.has(key)) {
        return (event: string, fn?: HostListener, context?: unknown, once?: boolean) => {
          host.removeListener(event, fn, context, once);
          for (let i = record.listeners.length - 1; i >= 0; i--) {
            const entry = record.listeners[i]!;
            if (entry.event === event && (fn === undefined || entry.fn === fn)) record.listeners.splice(i, 1);
          }
          return proxy;
        };
      }
      if (key === 'baseDir') return baseDir;
      if (key === 'removeAllListeners') {
        return (event?: string) => {
          removeOwn(event);
          return proxy;
        };
      }
      const value = target[key];
      if (typeof value !== 'function') return value;
      let fn = bound.get(key);
      if (fn === undefined) {
        fn = (value as (...args: unknown[]) => unknown).bind(host);
        bound.set(key, fn);
      }
      return fn;
    },
  });
  return proxy;
}

/** Removes every listener the plugin added through its scoped context. */
export function removeTrackedListeners(host: PluginContext, record: PluginRecord): void {
  for (const entry of record.listeners.splice(0)) host.removeListener(entry.event, entry.fn, entry.context, entry.once);
}
