import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { runMain, runMainJson } from './support/run-main.js';

/** A CommonJS migration creating table `name`, as a knex project writes them. */
const migration = (table: string) => `exports.up = (knex) => knex.schema.createTable('${table}', (t) => { t.increments('id'); });
exports.down = (knex) => knex.schema.dropTable('${table}');
`;

/** A knex project at `<tmp>/shortener`: two migrations applied by knex, a third added after, scripts that still call knex. */
function project(database: object, knexus: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'knexus-mirror-')), 'shortener');
  mkdirSync(join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'migrations', '20240101000000_links.js'), migration('mirror_links'));
  writeFileSync(join(dir, 'migrations', '20240102000000_clicks.js'), migration('mirror_clicks'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'shortener', scripts: { migrate: 'knex migrate:latest', start: 'node server.js' } }),
  );
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20\nRUN npx knex migrate:latest\nCMD ["node", "server.js"]\n');
  writeFileSync(
    join(dir, 'knexfile.js'),
    `module.exports = { ...${JSON.stringify(database)}, useNullAsDefault: true, knexus: ${knexus} };\n`,
  );
  return dir;
}

function knexOf(database: object, dir: string): Knex {
  return knexFactory({ ...database, useNullAsDefault: true, migrations: { directory: join(dir, 'migrations') } } as Knex.Config);
}

describe.each(DIALECTS)("migrations.knexLedger: 'mirror' keeps knex's ledger in step (%s)", (dialect) => {
  const db = useDatabase(dialect);
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it("after adoption, knex migrate:latest is a no-op; imported rows keep knex's migration_time; rollback is mirrored too", async () => {
    const dir = project(db.config(), "{ migrations: { importKnexHistory: true, knexLedger: 'mirror' } }");
    dirs.push(dir);
    const knex = knexOf(db.config(), dir);
    try {
      await knex.migrate.latest();
      const [before] = (await knex('knex_migrations').orderBy('id').select('migration_time')) as { migration_time: Date | string }[];
      writeFileSync(join(dir, 'migrations', '20240103000000_tags.js'), migration('mirror_tags'));

      const adopted = await runMain(['migrate', '--cwd', dir]);
      expect(adopted.code, adopted.stderr).toBe(0);
      // Said at import time: which scripts still call knex.
      expect(adopted.stdout + adopted.stderr).toContain("knex's ledger knex_migrations is mirrored");
      expect(adopted.stdout + adopted.stderr).toContain('Dockerfile:2: RUN npx knex migrate:latest');
      expect(adopted.stdout + adopted.stderr).toContain('package.json scripts.migrate: knex migrate:latest');

      const [, log] = (await knex.migrate.latest()) as [number, string[]];
      expect(log).toEqual([]);
      expect(((await knex('knex_migrations').orderBy('id').select('name')) as { name: string }[]).map((row) => row.name)).toEqual([
        '20240101000000_links.js',
        '20240102000000_clicks.js',
        '20240103000000_tags.js',
      ]);

      const status = await runMainJson(['status', '--cwd', dir]);
      const applied = status.json['apps']['shortener'].migrations.applied as { name: string; origin: string; appliedAt: string }[];
      expect(applied.map((entry) => entry.origin)).toEqual(['imported', 'imported', 'run']);
      const knexTime = new Date(before?.migration_time as Date | string).getTime();
      expect(Math.abs(new Date(applied[0]?.appliedAt as string).getTime() - knexTime)).toBeLessThan(1500);

      expect((await runMain(['migrate:rollback', '--cwd', dir])).code).toBe(0);
      expect(
        await knex('knex_migrations')
          .count({ n: '*' })
          .then((rows) => Number(rows[0]?.['n'])),
      ).toBe(2);
      expect((await knex.migrate.list())[1]).toEqual([expect.objectContaining({ file: '20240103000000_tags.js' })]);
    } finally {
      await knex.migrate.rollback(undefined, true).catch(() => undefined);
      for (const table of [
        'mirror_tags',
        'mirror_clicks',
        'mirror_links',
        'knex_migrations',
        'knex_migrations_lock',
        'knexus_migrations',
        'knexus_seeds',
      ]) {
        await knex.schema.dropTableIfExists(table);
      }
      await knex.destroy();
    }
  });

  it("without mirror, the import warns that knex's ledger is frozen and names the scripts to change", async () => {
    const dir = project(db.config(), '{ migrations: { importKnexHistory: true } }');
    dirs.push(dir);
    const knex = knexOf(db.config(), dir);
    try {
      await knex.migrate.latest();
      const adopted = await runMain(['migrate', '--cwd', dir]);
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(adopted.stderr).toContain("knexLedger: 'mirror'");
      expect(adopted.stderr).toContain('Dockerfile:2');
    } finally {
      for (const table of ['mirror_clicks', 'mirror_links', 'knex_migrations', 'knex_migrations_lock', 'knexus_migrations'])
        await knex.schema.dropTableIfExists(table);
      await knex.destroy();
    }
  });
});
