import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { runMain, runMainJson } from './support/run-main.js';

const MIGRATIONS = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));

/** `<root>/<folder>/knexfile.mjs` + migrations, pointing at `database`; `extra` is spliced into the knexfile's export. */
function project(root: string, folder: string, database: object, extra = ''): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  cpSync(MIGRATIONS, join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'knexfile.mjs'), `export default { ...${JSON.stringify(database)}, useNullAsDefault: true${extra} };\n`);
  return dir;
}

describe.each(DIALECTS)('a knexfile project keeps its identity wherever it sits (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const root = mkdtempSync(join(tmpdir(), 'knexus-identity-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('copied to another folder, it finds its history under the old name and refuses to run it again', async () => {
    const old = project(root, 'shortener-dev', db.config());
    const first = await runMainJson(['migrate', '--cwd', old]);
    expect(first.code).toBe(0);
    expect(first.json['apps']['shortener-dev'].result.applied).toHaveLength(3);

    // The same project in a Docker `WORKDIR /app`: no package.json, no knexus.name, so its folder names it.
    const moved = project(root, 'app', db.config());
    const status = await runMainJson(['status', '--cwd', moved]);
    expect(status.json['apps']['app'].migrations.otherAppHistory).toEqual({
      app: 'shortener-dev',
      applied: ['001_users.mjs', '002_posts.mjs', '003_tags.mjs'],
    });
    expect((await runMain(['status', '--cwd', moved])).stdout).toContain("applied under app 'shortener-dev'");

    for (const argv of [['migrate'], ['up', '--once'], ['baseline', 'app', '--from-knex']]) {
      const refused = await runMainJson([...argv, '--cwd', moved]);
      expect(refused.code, argv.join(' ')).not.toBe(0);
      expect(JSON.stringify(refused.json), argv.join(' ')).toContain('KNEXUS_ERR_HISTORY_UNDER_OTHER_APP');
      expect(JSON.stringify(refused.json)).toContain('shortener-dev');
    }
    const rows = (await db.knex('knexus_migrations').select('app')) as { app: string }[];
    expect(rows.map((row) => row.app)).toEqual(['shortener-dev', 'shortener-dev', 'shortener-dev']);

    // Naming the app in the knexfile adopts the history: nothing to run.
    const named = project(root, 'srv', db.config(), ", knexus: { name: 'shortener-dev' }");
    const adopted = await runMainJson(['migrate', '--cwd', named]);
    expect(adopted.code).toBe(0);
    expect(adopted.json['apps']['shortener-dev'].result.applied).toEqual([]);
  });

  it("package.json's name is the identity before the folder's", async () => {
    const a = project(root, 'checkout-a', db.config());
    const b = project(root, 'checkout-b', db.config());
    for (const dir of [a, b]) writeFileSync(join(dir, 'package.json'), '{ "name": "@acme/url-shortener" }\n');
    const statusA = await runMainJson(['status', '--cwd', a]);
    const statusB = await runMainJson(['status', '--cwd', b]);
    expect(Object.keys(statusA.json['apps'])).toEqual(['acme-url-shortener']);
    expect(Object.keys(statusB.json['apps'])).toEqual(['acme-url-shortener']);
  });
});
