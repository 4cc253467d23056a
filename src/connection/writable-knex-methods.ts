import type { Knex } from 'knex';

/**
 * knex defines `raw`, `transaction`, `destroy` and its other context methods as read-only, so a plugin
 * that wraps one the way the spec's CachePlugin does (`connection.knex.raw = …`) would throw in strict
 * mode. Redefining them writable (same functions, nothing else changes) lets such plugins run unchanged.
 */
export function makeKnexMethodsWritable(knex: Knex): Knex {
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(knex))) {
    if (typeof descriptor.value === 'function' && descriptor.writable === false && descriptor.configurable === true) {
      Object.defineProperty(knex, key, { ...descriptor, writable: true });
    }
  }
  return knex;
}
