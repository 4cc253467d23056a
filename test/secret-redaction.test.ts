import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { MARIADB, PG, serverAvailable } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const CANARY = 'canary-Pa55w0rd-7f3e';

/** Everything the registry said, serialized as a user might log it. */
function recorder(registry: AppRegistry) {
  const seen: string[] = [];
  const events = [
    'app-registered',
    'app-unregistered',
    'connection-created',
    'connection-reused',
    'connection-closed',
    'auto-migration-started',
    'auto-migration-completed',
    'health-check-completed',
    'shutdown-completed',
    'error',
    'warning',
  ] as const;
  for (const event of events) registry.on(event, (payload: unknown) => seen.push(inspect(payload, { depth: 10 }), JSON.stringify(payload)));
  return seen;
}

function dump(error: unknown): string {
  const e = error as Error & { cause?: Error };
  return [inspect(error, { depth: 10 }), JSON.stringify(error), e.stack, e.cause?.stack, e.cause?.message].join('\n');
}

describe('secrets never leak', () => {
  const pg = useDatabase('pg');
  const createRegistry = useRegistry();

  it('a PostgreSQL password and connection string appear in no event, error, status or health report', async () => {
    // Trust auth accepts any password, so the canary connects for real.
    const registry = createRegistry();
    const seen = recorder(registry);
    const url = `postgres://postgres:${CANARY}@${PG.host}:${PG.port}/${pg.name}`;
    const conn = await registry.registerApp('by_object', {
      database: { client: 'pg', connection: { ...PG, database: pg.name, password: CANARY } },
      reusable: true,
    });
    await registry.registerApp('by_url', { database: { client: 'pg', connection: url } });
    await registry.registerApp('guest', { useConnection: 'by_object' });
    expect(registry.getStatus().apps['by_url']!.target).toEqual({
      client: 'pg',
      host: PG.host,
      port: PG.port,
      database: pg.name,
      user: 'postgres',
    });

    const failed = await registry
      .registerApp('bad_db', {
        database: { client: 'pg', connection: `postgres://postgres:${CANARY}@${PG.host}:${PG.port}/missing_${CANARY}` },
      })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'KNEXUS_ERR_CONNECTION_FAILED', appName: 'bad_db' });
    const txError = await conn.withTransaction(async (trx) => trx.raw(`select '${CANARY}'::int`)).catch((e: unknown) => e);

    const health = await registry.healthCheck();
    const status = registry.getStatus();
    await registry.unregisterApp('by_url');
    const shutdown = await registry.shutdown();

    const everything = [
      ...seen,
      dump(failed),
      inspect(status, { depth: 10 }),
      JSON.stringify(status),
      JSON.stringify(health),
      JSON.stringify(shutdown),
      inspect(conn, { depth: 5 }),
      await registry.metrics(),
    ].join('\n');
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(url);
    // The failed query's own text names the canary (it is in the SQL); the connection string must not be there.
    expect(txError).toBeInstanceOf(Error);
    expect(dump(txError)).not.toContain(url);
  });

  it('a MariaDB authentication failure does not echo the password', async (t) => {
    if (!(await serverAvailable('mariadb'))) return t.skip(); // no server outside CI (in CI serverAvailable throws instead)
    const registry = createRegistry();
    const seen = recorder(registry);
    const failed = await registry
      .registerApp('maria', { database: { client: 'mysql2', connection: { ...MARIADB, user: 'nobody_here', password: CANARY } } })
      .catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'KNEXUS_ERR_CONNECTION_FAILED', appName: 'maria', client: 'mysql2' });
    await registry.shutdown();
    expect([...seen, dump(failed)].join('\n')).not.toContain(CANARY);
  });
});
