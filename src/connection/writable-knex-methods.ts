import type { Knex } from 'knex';

// The methods knex defines on every instance as read-only forwards to its context (make-knex.js's
// CONTEXT_METHODS). Listing them beats scanning the instance's ~180 own properties on every pool.
const CONTEXT_METHODS = [
  'raw',
  'batchInsert',
  'transaction',
  'transactionProvider',
  'initialize',
  'destroy',
  'ref',
  'withUserParams',
  'queryBuilder',
  'disableProcessing',
  'enableProcessing',
] as const;

/**
 * knex defines `raw`, `transaction`, `destroy` and its other context methods as read-only, so a plugin
 * that wraps one, as a caching plugin does (`connection.knex.raw = …`) would throw in strict
 * mode. Redefining them writable (same functions, nothing else changes) lets such plugins run unchanged.
 */
export function makeKnexMethodsWritable(knex: Knex): Knex {
  for (const key of CONTEXT_METHODS) {
    const descriptor = Object.getOwnPropertyDescriptor(knex, key);
    if (typeof descriptor?.value === 'function' && descriptor.writable === false && descriptor.configurable === true) {
      Object.defineProperty(knex, key, { ...descriptor, writable: true });
    }
  }
  return knex;
}
