import { describe, expect, it } from 'vitest';
import type { AppRegistry } from '../src/index.js';
import { makeProject, runJson } from './fixtures/cli/run-cli.js';
import { useRegistry } from './support/use-registry.js';

// Valid app names that are also Object.prototype members: a status map built from `{}` would lose
// `__proto__` (assigning it changes the prototype) and report inherited members for the others.
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const memory = { client: 'better-sqlite3', connection: { filename: ':memory:' } } as const;

describe('apps named like Object.prototype members', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('are listed by getStatus() and healthCheck(), and counts match the list', async () => {
    registry = createRegistry();
    for (const name of NAMES) await registry.registerApp(name, { database: memory });
    const status = registry.getStatus();
    expect(Object.keys(status.apps)).toEqual([...NAMES]);
    expect(status.counts).toMatchObject({ apps: NAMES.length, ready: NAMES.length });
    for (const name of NAMES) {
      expect(Object.hasOwn(status.apps, name)).toBe(true);
      expect(status.apps[name]).toMatchObject({ name, state: 'ready' });
    }
    expect(JSON.parse(JSON.stringify(status)).apps['__proto__']).toMatchObject({ name: '__proto__' });
    // A name that is not registered is simply absent, not an inherited Object member.
    expect(status.apps['isPrototypeOf']).toBeUndefined();

    const health = await registry.healthCheck();
    expect(Object.keys(health.apps)).toEqual([...NAMES]);
    expect(health.apps['__proto__']).toMatchObject({ appName: '__proto__', status: 'healthy' });

    expect(registry.getApp('__proto__').name).toBe('__proto__');
    expect(await registry.unregisterApp('__proto__')).toBe(true);
    expect(Object.keys(registry.getStatus().apps)).toEqual(NAMES.slice(1));
  });

  it('appear in `knexus status --json`', async () => {
    const project = makeProject(undefined, {
      'registry.config.ts': `export default { apps: { ['__proto__']: { database: { client: 'better-sqlite3', connection: './p.sqlite' } }, plain: { database: { client: 'better-sqlite3', connection: './q.sqlite' } } } };`,
    });
    try {
      const run = await runJson(['status'], { cwd: project.dir });
      expect(run.code, run.stderr).toBe(0);
      expect(Object.keys(run.json['apps'])).toEqual(['__proto__', 'plain']);
      expect(Object.hasOwn(run.json['apps'], '__proto__')).toBe(true);
      expect(run.json['apps']['__proto__']).toMatchObject({ state: 'missing' });
    } finally {
      project.cleanup();
    }
  });
});
