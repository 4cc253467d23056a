import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the published package', () => {
  it('builds dist/ with declarations, and `import … from "knexus"` resolves to it', () => {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
    // A package may import itself by name through its `exports` map: this is what users get.
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import * as knexus from 'knexus';
         const registry = new knexus.AppRegistry();
         // Plain node has no TypeScript loader: the demo's .ts migrations and seeds load through jiti.
         const app = await registry.registerApp('a', {
           database: { client: 'better-sqlite3', connection: { filename: ':memory:' } },
           migrations: { directory: './migrations' },
           seeds: { directory: './seeds' },
         });
         const status = await app.migrationStatus();
         console.log(JSON.stringify({ exports: Object.keys(knexus).sort(), app: app.name, applied: status.applied.length, pending: status.pending.length }));
         await registry.shutdown();`,
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result).toMatchObject({ app: 'a', applied: 3, pending: 0 });
    expect(result.exports).toEqual(expect.arrayContaining(['AppRegistry', 'ConnectionManager', 'KnexusError', 'PluginInterface', 'PluginManager', 'definePlugin']));
  }, 60_000);
});
