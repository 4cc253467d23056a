import { describe, expect, it } from 'vitest';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

/** The mysql2 option a pooled connection was opened with. */
async function maxPreparedStatements(knex: {
  client: { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
}) {
  const connection = (await knex.client.acquireConnection()) as { config: { maxPreparedStatements: number } };
  try {
    return connection.config.maxPreparedStatements;
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

describe('MySQL/MariaDB: the prepared-statement cache every connection reset clears (mariadb)', () => {
  const db = useDatabase('mariadb');
  const createRegistry = useRegistry();

  it('is small unless the connection config sets it (knex never prepares statements)', async () => {
    const registry = createRegistry();
    const small = await registry.registerApp('small', { database: db.config() });
    expect(await maxPreparedStatements(small.knex)).toBe(256);
    const base = db.config();
    const own = await registry.registerApp('own', {
      database: { ...base, connection: { ...(base.connection as object), maxPreparedStatements: 1000 } },
    });
    expect(await maxPreparedStatements(own.knex)).toBe(1000);
  });
});
