import type { Knex } from 'knex';

/**
 * A knex instance whose every query, schema call and transaction runs on `connection`, which the caller
 * already holds and releases.
 *
 * The lock session owns one pooled connection; handing migrations the plain pool would deadlock a pool of
 * size 1 and would run their statements outside the session that holds the lock.
 */
export function bindToConnection(knex: Knex, connection: unknown): Knex {
  // withUserParams is knex's public way to clone an instance with its own client object (sharing the
  // pool), so overriding acquire/release below leaves the original instance untouched.
  const bound = knex.withUserParams({ ...knex.userParams });
  const client = bound.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
  client.acquireConnection = () => Promise.resolve(connection);
  client.releaseConnection = () => Promise.resolve();
  return bound;
}
