import { describe, expect, it } from 'vitest';
import type { RegistryErrorEvent } from '../src/index.js';
import { testPlugin } from './support/test-plugin.js';
import { useRegistry } from './support/use-registry.js';

const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

/** A value every inspection of which throws: property reads, `instanceof`, `String()`, key listing. */
function hostileProxy(): object {
  const boom = (): never => {
    throw new Error('trap');
  };
  return new Proxy(
    {},
    {
      get: boom,
      has: boom,
      getPrototypeOf: boom,
      ownKeys: boom,
      getOwnPropertyDescriptor: boom,
      set: boom,
      defineProperty: boom,
      apply: boom,
    },
  );
}

/** A result whose `then` getter throws when the dispatcher looks for a thenable. */
function throwingThen(): object {
  return Object.defineProperty({}, 'then', {
    get() {
      throw new Error('raw plugin error from then getter');
    },
  });
}

// Hooks are typed to return void; these deliberately break that contract, as untyped plugin code can.
const hostileHooks: Record<string, () => void> = {
  'throws a trapping Proxy': () => {
    throw hostileProxy();
  },
  'rejects with a trapping Proxy': () => Promise.reject(hostileProxy()) as unknown as void,
  'returns a trapping Proxy': () => hostileProxy() as unknown as void,
  'returns an object with a throwing then getter': () => throwingThen() as unknown as void,
  'throws an object with a throwing message getter': () => {
    throw Object.defineProperty(new Error('x'), 'message', {
      get: () => {
        throw new Error('no');
      },
    });
  },
  'rejects with a revoked Proxy': () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return Promise.reject(proxy) as unknown as void;
  },
};

describe('hooks that throw or return values that cannot be inspected', () => {
  const createRegistry = useRegistry();

  for (const [title, hook] of Object.entries(hostileHooks)) {
    it(`a hook that ${title}: registration goes on, the process lives, the failure is coded`, async () => {
      const uncaught: unknown[] = [];
      const onUncaught = (error: unknown): void => {
        uncaught.push(error);
      };
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      try {
        const registry = createRegistry({ pluginManager: { hookTimeout: 2_000 } });
        const errors: RegistryErrorEvent[] = [];
        registry.on('error', (event) => errors.push(event));
        const failures: unknown[] = [];
        await registry.loadPlugin(testPlugin({ name: 'hostile', onAppRegistrationStarted: hook, onAppRegistered: hook }));
        await registry.loadPlugin(
          testPlugin({
            name: 'observer',
            onOperationFailed(_app, _operation, error) {
              failures.push(error);
            },
          }),
        );
        const app = await registry.registerApp('survivor', { database: memory() });
        expect(await app.knex.raw('select 1 as one')).toEqual([{ one: 1 }]);
        expect(registry.getApp('survivor').name).toBe('survivor');
        // Give a stray rejection a chance to surface.
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(uncaught).toEqual([]);
        const hookErrors = errors.filter((e) => e.pluginName === 'hostile');
        expect(hookErrors.length).toBeGreaterThanOrEqual(2);
        for (const event of hookErrors) {
          expect(event.error).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_HOOK_FAILED', pluginName: 'hostile' });
          expect(typeof event.error.message).toBe('string');
          expect(() => JSON.stringify(event.error)).not.toThrow();
        }
        expect(failures.length).toBeGreaterThanOrEqual(2);
        expect(() => JSON.stringify(registry.getStatus())).not.toThrow();
      } finally {
        process.off('uncaughtException', onUncaught);
        process.off('unhandledRejection', onUncaught);
      }
    });
  }
});

describe('plugin lifecycle methods that throw values that cannot be inspected', () => {
  const createRegistry = useRegistry();

  it('initialize() rejecting with a trapping Proxy fails the load with a coded error', async () => {
    const registry = createRegistry();
    const failure = await registry
      .loadPlugin(testPlugin({ name: 'bad-init', initialize: () => Promise.reject(hostileProxy()) }))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'KNEXUS_ERR_PLUGIN_INIT_FAILED', pluginName: 'bad-init' });
    expect((failure as Error).message).toContain('cannot be inspected');
    expect(() => JSON.stringify(failure)).not.toThrow();
  });

  it('getStatus() throwing a trapping Proxy still gives a status', async () => {
    const registry = createRegistry();
    await registry.loadPlugin(
      testPlugin({
        name: 'bad-status',
        getStatus: (): Record<string, unknown> => {
          throw hostileProxy();
        },
      }),
    );
    expect(() => JSON.stringify(registry.getStatus())).not.toThrow();
  });
});
