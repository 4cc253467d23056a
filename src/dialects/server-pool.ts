import type { Knex } from 'knex';

/**
 * Pool settings of a database server's connections: lazy (`min: 0`) and idle-released, so a registered
 * app that is not in use holds no server connection.
 */
export function serverPool(pool: Knex.PoolConfig | undefined, idleTimeout: number): Knex.PoolConfig {
  const lazy: Knex.PoolConfig = { min: 0 };
  if (idleTimeout > 0) Object.assign(lazy, { idleTimeoutMillis: idleTimeout, reapIntervalMillis: Math.min(1000, idleTimeout) });
  else lazy.idleTimeoutMillis = Number.MAX_SAFE_INTEGER;
  return { ...lazy, ...pool };
}
