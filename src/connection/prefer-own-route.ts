import type { SchemaRouter } from './schema-router.js';

/** The parts of tarn's pool (knex's pool) that affinity reads; tarn hands out `free.pop()`. */
interface TarnLists {
  readonly max?: number;
  readonly free?: { readonly resource: object }[];
  readonly used?: readonly unknown[];
  readonly pendingCreates?: readonly unknown[];
  readonly pendingAcquires?: readonly unknown[];
}

/**
 * Affinity, called right before knex's (synchronous) `pool.acquire()`: when the connection tarn would
 * hand out next is on another route, swap in a free one on this route; if there is none and the pool is
 * below its max, hide the free ones for that one call so tarn opens a connection instead of this app
 * switching one that another app is likely to want back; if the pool is full, hand out the least
 * recently released one. Returns what undoes the hiding.
 *
 * Purely an optimization: if tarn's internals ever differ, nothing is changed and the switch still happens.
 */
function preferOwnRoute(pool: unknown, router: SchemaRouter, route: string): (() => void) | undefined {
  const { max, free, used, pendingCreates, pendingAcquires } = (pool ?? {}) as TarnLists;
  if (
    !Array.isArray(free) ||
    free.length === 0 ||
    !Array.isArray(used) ||
    !Array.isArray(pendingCreates) ||
    !Array.isArray(pendingAcquires)
  )
    return undefined;
  // With acquires already waiting, the next free connection goes to one of them, not to us.
  if (pendingAcquires.length > 0) return undefined;
  const last = free.length - 1;
  if (!router.needsSwitch(free[last]!.resource, route)) return undefined;
  for (let i = last - 1; i >= 0; i--) {
    if (!router.needsSwitch(free[i]!.resource, route)) {
      [free[i], free[last]] = [free[last]!, free[i]!];
      return undefined;
    }
  }
  if (typeof max !== 'number' || free.length + used.length + pendingCreates.length >= max || !router.mayGrow()) {
    // The pool is full: switch the least recently released connection (an LRU eviction), not the one
    // another app released a moment ago and probably wants back.
    [free[0], free[last]] = [free[last]!, free[0]!];
    return undefined;
  }
  const hidden = free.splice(0);
  return () => {
    free.unshift(...hidden);
  };
}

/**
 * Acquires through `acquire` (knex's `acquireConnection`, which calls tarn's `acquire()` before its first
 * await) with affinity for `route`. If the pool was made to open a connection and that failed (the
 * server refusing more clients, say), it retries at once with the free connections in view and stops
 * growing the pool that way for a while, so affinity never fails a query a free connection could serve.
 */
export function acquireWithAffinity(pool: unknown, router: SchemaRouter, route: string, acquire: () => Promise<object>): Promise<object> {
  const restore = preferOwnRoute(pool, router, route);
  const acquired = acquire();
  if (restore === undefined) return acquired;
  restore();
  return acquired.catch(() => {
    router.growthFailed();
    return acquire();
  });
}
