import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { definePlugin } from '../src/index.js';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe.each(DIALECTS)('work interrupted by shutdown (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  it('unregisterApp while shutdown runs rejects at once with KNEXUS_ERR_SHUTTING_DOWN and rolls nothing back', async () => {
    // A short acquire timeout, so without the fix a rollback waiting on the closing pool fails fast instead of after 60 s.
    const registry = createRegistry();
    await registry.registerApp('leaving', {
      database: db.config({ acquireConnectionTimeout: 500 } as never),
      migrations: { directory: fixture('migrations-basic') },
    });
    const closing = registry.shutdown();
    await expect(registry.unregisterApp('leaving')).rejects.toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN', appName: 'leaving' });
    await expect(closing).resolves.toMatchObject({ closed: ['leaving'], errors: [] });
    // shutdown() never rolls back, and the refused unregistration did not either.
    const rows = await db.knex('knexus_migrations').where({ app: 'leaving' }).count({ n: '*' });
    expect(Number(rows[0]?.n)).toBe(3);
  });

  it('a registration waiting in a hook when shutdown starts rejects with KNEXUS_ERR_SHUTTING_DOWN and applies nothing', async () => {
    const registry = createRegistry();
    let entered!: () => void;
    const inHook = new Promise<void>((resolve) => (entered = resolve));
    await registry.loadPlugin(
      definePlugin({
        name: 'slow-start',
        version: '1.0.0',
        initialize() {},
        shutdown() {},
        getStatus: () => ({}),
        onAutoOperationsStarted(_app, _connection, _config, { signal }) {
          entered();
          return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        },
      }),
    );
    const registering = registry.registerApp('interrupted', {
      database: db.config(),
      migrations: { directory: fixture('migrations-basic') },
    });
    registering.catch(() => undefined);
    await inHook;
    await registry.shutdown();
    await expect(registering).rejects.toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN', appName: 'interrupted' });
    expect(await db.knex.schema.hasTable('users')).toBe(false);
  });
});

describe('a query cut off by a forced shutdown', () => {
  const db = useDatabase('pg');
  const createRegistry = useRegistry();

  it('rejects the registration with KNEXUS_ERR_SHUTTING_DOWN, not a raw driver error', async () => {
    const registry = createRegistry({ registry: { shutdownTimeout: 50 } });
    const registering = registry.registerApp('cut', { database: db.config(), migrations: { directory: fixture('migrations-slow') } });
    registering.catch(() => undefined);
    // Shut down only once the migration's query really runs on the server (an earlier shutdown stops the
    // registration between steps, with nothing to force).
    const sleeping = async () =>
      Number(
        (
          await db!.knex.raw("select count(*)::int as n from pg_stat_activity where datname = ? and query like 'select pg_sleep%'", [
            db!.name,
          ])
        ).rows[0].n,
      ) > 0;
    await vi.waitFor(async () => expect(await sleeping()).toBe(true), { timeout: 10_000, interval: 10 });
    const result = await registry.shutdown();
    expect(result.forced).toEqual(['cut']);
    const error = await registering.catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'KNEXUS_ERR_SHUTTING_DOWN', appName: 'cut' });
    expect(await db.knex.schema.hasTable('slept')).toBe(false);
  });
});
