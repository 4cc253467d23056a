import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Which database drivers a fresh process has loaded after running `script`. */
function driversLoadedAfter(script: string): string[] {
  const probe = `
    import { createRequire } from 'node:module';
    ${script}
    const cache = Object.keys(createRequire(import.meta.url).cache);
    const drivers = ['pg', 'better-sqlite3', 'mysql2'].filter((d) => cache.some((p) => p.includes('/node_modules/' + d + '/')));
    console.log(JSON.stringify(drivers));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('driver loading', () => {
  it('importing knexus loads no database driver', () => {
    expect(driversLoadedAfter(`await import('./src/index.ts');`)).toEqual([]);
  });

  it('registering a SQLite app loads only better-sqlite3', () => {
    const script = `
      const { AppRegistry } = await import('./src/index.ts');
      const registry = new AppRegistry();
      await registry.registerApp('a', { database: { client: 'better-sqlite3', connection: { filename: ':memory:' } } });
      await registry.shutdown();
    `;
    expect(driversLoadedAfter(script)).toEqual(['better-sqlite3']);
  });
});
