import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Knex } from 'knex';

/** knex's own factory of a knex function around a client (knex 3: lib/knex-builder/make-knex.js). */
const makeKnex = createRequire(import.meta.url)('knex/lib/knex-builder/make-knex.js') as (client: unknown) => Knex;

/** The events knex passes from its client to the knex object, which `withUserParams` copies too. */
const FORWARDED_EVENTS = ['query', 'query-error', 'query-response', 'start'] as const;

/**
 * A knex instance whose every query, schema call and transaction runs on `connection`, which the caller
 * already holds and releases.
 *
 * The lock session owns one pooled connection; handing migrations the plain pool would deadlock a pool of
 * size 1 and would run their statements outside the session that holds the lock.
 *
 * The client inherits everything from `knex`'s (config, pool, route, dialect) and has only its connection
 * and its events of its own, so `knex` is left untouched. This is what `withUserParams` gives, without its
 * deep copy of the client, which cost ten times as much per lock hold.
 */
export function bindToConnection(knex: Knex, connection: unknown): Knex {
  const client = Object.create(knex.client) as Record<string, unknown>;
  EventEmitter.call(client as unknown as EventEmitter);
  client['acquireConnection'] = () => Promise.resolve(connection);
  client['releaseConnection'] = () => Promise.resolve();
  const bound = makeKnex(client);
  bound.userParams = { ...knex.userParams };
  for (const event of FORWARDED_EVENTS) for (const listener of knex.listeners(event)) bound.on(event, listener as never);
  return bound;
}
