import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pTimeout from 'p-timeout';
import { describe, expect, it } from 'vitest';
import { AppRegistry, ERROR_CODES, isKnexusError } from '../src/index.js';

// A fixed seed keeps CI deterministic; FC_SEED=<n> (or a random one printed on failure) explores further.
const SEED = Number(process.env['FC_SEED'] ?? 20_261_130);

// Hostile values: wrong types, edge numbers, prototype keys, deep nesting.
const hostile = fc.oneof(
  fc.anything({ withBoxedValues: true, withNullPrototype: true, withObjectString: true, maxDepth: 3 }),
  fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 31 - 1, Number.NaN, Number.POSITIVE_INFINITY, -0, 1.5, '', '5', 'abc', null, [], {}),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
// Usually absent: each optional setting is set in one config out of five.
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
// Mostly well-shaped values (so deeper checks are reached), sometimes anything at all.
const mostly = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: arb, weight: 5 }, { arbitrary: hostile, weight: 1 });

// Only local, fast-failing targets: no DNS lookups, no waiting on remote hosts.
const connection = mostly(
  fc.constantFrom(
    { filename: ':memory:' },
    ':memory:',
    { host: '127.0.0.1', port: 1, user: 'nobody', password: 'canary-secret', database: 'none' },
    'postgres://nobody:canary-secret@127.0.0.1:1/none',
  ),
);
const client = mostly(fc.constantFrom('better-sqlite3', 'sqlite', 'pg', 'mysql2', 'mariadb', 'oracle'));
const pool = fc.oneof(
  fc.record(
    { min: maybe(mostly(fc.integer({ min: -2, max: 3 }))), max: maybe(mostly(fc.integer({ min: -1, max: 4 }))) },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.constantFrom('min', 'max', 'maxx', 'idleTimeoutMillis', 'afterCreate', 'propagateCreateError', '__proto__'), hostile),
  hostile,
);
const database = mostly(
  fc.record(
    {
      client,
      connection,
      pool: rarely(pool),
      acquireConnectionTimeout: rarely(mostly(fc.constantFrom(50, 2 ** 31))),
      useNullAsDefault: rarely(hostile),
    },
    { requiredKeys: ['client', 'connection'] },
  ),
);
const ledger = mostly(
  fc.record(
    {
      enabled: rarely(hostile),
      directory: mostly(fc.constantFrom('./definitely-missing', '.', '')),
      tableName: rarely(mostly(fc.constantFrom('knexus_migrations', 'bad name', 'x'.repeat(70)))),
      lockTimeout: rarely(mostly(fc.constantFrom(0, 50, 2 ** 31))),
      drift: rarely(mostly(fc.constantFrom('error', 'warn', 'panic'))),
    },
    { requiredKeys: [] },
  ),
);
const appConfig = mostly(
  fc.record(
    {
      database,
      schema: rarely(mostly(fc.constantFrom('tenant', 'pg_x', 'bad schema'))),
      migrations: rarely(ledger),
      seeds: rarely(ledger),
      models: rarely(hostile),
      reusable: rarely(hostile),
      useConnection: rarely(mostly(fc.constantFrom('owner', '__proto__'))),
    },
    { requiredKeys: ['database'] },
  ),
);
const appName = fc.oneof(
  { arbitrary: fc.constantFrom('app', '__proto__', 'constructor', 'a-b_c'), weight: 6 },
  { arbitrary: fc.constantFrom('', 'x'.repeat(64), 'bad name'), weight: 1 },
  { arbitrary: hostile, weight: 1 },
);
const registryOptions = mostly(
  fc.record(
    {
      registry: rarely(
        fc.dictionary(fc.constantFrom('shutdownTimeout', 'healthCheckInterval', 'healthCheckTimeout', 'degradedLatency', 'typo'), hostile),
      ),
      pluginManager: rarely(
        fc.dictionary(
          fc.constantFrom(
            'loadTimeout',
            'shutdownTimeout',
            'hookTimeout',
            'concurrency',
            'enableMetrics',
            'baseDir',
            'maxErrors',
            'storagee',
          ),
          hostile,
        ),
      ),
      baseDir: rarely(hostile),
      plugins: rarely(hostile),
    },
    { requiredKeys: [] },
  ),
);

/** The property: a coded KnexusError, or a working registry/app; never a raw error, a crash or a hang. */
function expectCoded(error: unknown): void {
  if (!isKnexusError(error)) throw new Error(`not a KnexusError: ${String((error as Error)?.stack ?? error)}`);
  expect(ERROR_CODES).toContain(error.code);
  expect(JSON.stringify(error.toJSON())).not.toContain('canary-secret');
}

describe('property: hostile configs give a coded error or a working registry', () => {
  it('new AppRegistry(options)', async () => {
    await fc.assert(
      fc.asyncProperty(registryOptions, async (options) => {
        let registry: AppRegistry;
        try {
          registry = new AppRegistry(options as never);
        } catch (error) {
          expectCoded(error);
          return;
        }
        await pTimeout(registry.shutdown(), { milliseconds: 5_000 });
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('unregisterApp, repair and withTransaction options', async () => {
    const registry = new AppRegistry();
    try {
      const app = await registry.registerApp('target', { database: { client: 'better-sqlite3', connection: ':memory:' } });
      await fc.assert(
        fc.asyncProperty(hostile, hostile, hostile, async (unregister, repair, transaction) => {
          // `app` goes stale once a valid unregistration ran: using it must still be a coded error.
          const attempts: (() => Promise<unknown>)[] = [
            () => registry.repair('target', repair as never),
            () => app.withTransaction(async () => 'done', transaction as never),
          ];
          for (const attempt of attempts) {
            try {
              await pTimeout(attempt(), { milliseconds: 5_000 });
            } catch (error) {
              expectCoded(error);
            }
          }
          try {
            await pTimeout(registry.unregisterApp('target', unregister as never), { milliseconds: 5_000 });
          } catch (error) {
            expectCoded(error);
            return;
          }
          // It was valid and the app is gone: bring it back for the next run.
          await registry.registerApp('target', { database: { client: 'better-sqlite3', connection: ':memory:' } });
        }),
        { numRuns: 200, seed: SEED },
      );
    } finally {
      await registry.shutdown();
    }
  });

  it('registerApp(name, config)', async () => {
    // An empty folder: relative directories in generated configs resolve here, never to real files.
    const baseDir = mkdtempSync(join(tmpdir(), 'knexus-props-'));
    const registry = new AppRegistry({ baseDir, registry: { shutdownTimeout: 1_000 } });
    try {
      await registry.registerApp('owner', { database: { client: 'better-sqlite3', connection: ':memory:' }, reusable: true });
      await fc.assert(
        fc.asyncProperty(appName, appConfig, async (name, config) => {
          try {
            await pTimeout(registry.registerApp(name as string, config as never), { milliseconds: 10_000 });
          } catch (error) {
            expectCoded(error);
            return;
          }
          // It registered: it must work and go away cleanly.
          expect(registry.hasApp(name as string)).toBe(true);
          expect(Object.hasOwn(registry.getStatus().apps, name as string)).toBe(true);
          await pTimeout(registry.unregisterApp(name as string, { skipRollback: true }), { milliseconds: 10_000 });
        }),
        { numRuns: 300, seed: SEED },
      );
    } finally {
      rmSync(baseDir, { recursive: true, force: true });
      await registry.shutdown();
    }
  });
});
