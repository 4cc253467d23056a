import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MARIADB, PG } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { runMainJson } from './support/run-main.js';

const MIGRATIONS = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));
const SEED = `export async function seed(knex) { await knex('basic_users').insert({ name: 'ada' }); }
export async function unseed(knex) { await knex('basic_users').where({ name: 'ada' }).delete(); }
`;

/** A folder with only ./migrations and ./seeds, as a knex project using knex's defaults has it. */
function bareProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'knexus-zero-config-'));
  cpSync(MIGRATIONS, join(dir, 'migrations'), { recursive: true });
  cpSync(MIGRATIONS, join(dir, 'seeds'), { recursive: true, filter: (path) => !path.endsWith('.mjs') });
  writeFileSync(join(dir, 'seeds', '01_users.mjs'), SEED);
  return dir;
}

let saved: string | undefined;
beforeEach(() => {
  saved = process.env['DATABASE_URL'];
});
afterEach(() => {
  if (saved === undefined) delete process.env['DATABASE_URL'];
  else process.env['DATABASE_URL'] = saved;
});

const URLS = {
  pg: (name: string) => `postgres://${PG.user}@${PG.host}:${PG.port}/${name}`,
  mariadb: (name: string) => `mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${name}`,
} as const;

describe.each(['pg', 'mariadb'] as const)('zero-config: ./migrations and DATABASE_URL, no config file (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const dir = bareProject();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('DATABASE_URL=… knexus up --once applies ./migrations; knexus seed runs ./seeds', async () => {
    process.env['DATABASE_URL'] = URLS[dialect](db.name);
    const up = await runMainJson(['up', '--once', '--cwd', dir]);
    expect(up.code, up.stderr).toBe(0);
    const [name] = Object.keys(up.json['apps']);
    expect(up.json['apps'][name as string].migrations.applied).toHaveLength(3);
    // Seeds run on request, as knex's seed:run.
    expect(Number((await db.knex('basic_users').count({ n: '*' }))[0]?.['n'])).toBe(0);
    const seeded = await runMainJson(['seed:run', '--cwd', dir]);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(await db.knex('basic_users').select('name')).toEqual([{ name: 'ada' }]);
  });

  it('--url works the same without DATABASE_URL', async () => {
    delete process.env['DATABASE_URL'];
    const status = await runMainJson(['status', '--check', '--cwd', dir, '--url', URLS[dialect](db.name)]);
    expect(status.code).toBe(0);
  });
});

describe('zero-config: what is missing is named', () => {
  const dir = bareProject();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('without a connection: KNEXUS_ERR_CONFIG_NOT_FOUND naming the knexfile fallback, DATABASE_URL and --url; an empty DATABASE_URL is unset', async () => {
    for (const value of [undefined, '', '  ']) {
      if (value === undefined) delete process.env['DATABASE_URL'];
      else process.env['DATABASE_URL'] = value;
      const run = await runMainJson(['status', '--cwd', dir]);
      expect(run.code).toBe(2);
      expect(run.json['error'].code).toBe('KNEXUS_ERR_CONFIG_NOT_FOUND');
      expect(run.json['error'].message).toContain('knexfile.js');
      expect(run.json['error'].message).toContain('DATABASE_URL');
      expect(run.json['error'].hint).toContain('--url');
    }
  });
});

describe('a knexfile and DATABASE_URL (sqlite, pg)', () => {
  const pg = useDatabase('pg');
  const root = mkdtempSync(join(tmpdir(), 'knexus-knexfile-url-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a knexfile without connection takes DATABASE_URL or --url; an empty DATABASE_URL leaves the knexfile connection alone', async () => {
    const dir = join(root, 'no-connection');
    cpSync(MIGRATIONS, join(dir, 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'knexfile.mjs'), "export default { client: 'pg', migrations: { directory: './migrations' } };\n");
    process.env['DATABASE_URL'] = URLS.pg(pg.name);
    const byEnv = await runMainJson(['migrate', '--cwd', dir]);
    expect(byEnv.code, byEnv.stdout).toBe(0);
    expect(byEnv.json['apps']['no-connection'].result.applied).toHaveLength(3);
    delete process.env['DATABASE_URL'];
    const byFlag = await runMainJson(['status', '--check', '--cwd', dir, '--url', URLS.pg(pg.name)]);
    expect(byFlag.code).toBe(0);

    const sqlite = join(root, 'with-connection');
    cpSync(MIGRATIONS, join(sqlite, 'migrations'), { recursive: true });
    writeFileSync(
      join(sqlite, 'knexfile.mjs'),
      "export default { client: 'better-sqlite3', connection: { filename: './dev.sqlite' }, useNullAsDefault: true };\n",
    );
    process.env['DATABASE_URL'] = '';
    const kept = await runMainJson(['migrate', '--cwd', sqlite]);
    expect(kept.code, kept.stdout).toBe(0);
    expect(kept.json['apps']['with-connection'].result.applied).toHaveLength(3);
  });
});
