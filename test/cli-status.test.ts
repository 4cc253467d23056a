import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finished, runCli, runJson, startCli, useProject } from './fixtures/cli/run-cli.js';
import { PG, createDatabase, serverLabel } from './support/databases.js';

describe('knexus status', () => {
  const project = useProject('shop');

  it('reports a SQLite app whose file does not exist yet as missing, every file pending, and creates nothing', async () => {
    const run = await runJson(['status'], { cwd: project.dir });
    expect(run.code).toBe(0);
    const shop = run.json['apps']['shop'];
    expect(shop).toMatchObject({ state: 'missing', missing: 'file not found: var/shop.sqlite' });
    expect(shop.migrations.applied).toEqual([]);
    expect(shop.migrations.pending).toEqual(['001_create_items.ts', '002_add_price.ts']);
    expect(shop.seeds.pending).toEqual(['01_items.ts']);
    expect(shop.health).toBeUndefined();
    expect(existsSync(join(project.dir, 'var'))).toBe(false);
  });

  it("says 'not-applied', not 'ready', after knexus down rolled everything back", async () => {
    expect((await runCli(['up', '--once'], { cwd: project.dir })).code).toBe(0);
    expect((await runCli(['down', 'shop', '--yes'], { cwd: project.dir })).code).toBe(0);
    const run = await runJson(['status'], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.json['apps']['shop']).toMatchObject({
      state: 'not-applied',
      migrations: { applied: [], pending: ['001_create_items.ts', '002_add_price.ts'] },
    });
    const text = await runCli(['status'], { cwd: project.dir });
    expect(text.stdout).toMatch(/shop {2}not-applied/);
    expect(text.stdout).not.toMatch(/shop {2}ready/);
    // Once applied again, it is ready.
    expect((await runCli(['up', '--once'], { cwd: project.dir })).code).toBe(0);
    expect((await runJson(['status'], { cwd: project.dir })).json['apps']['shop'].state).toBe('ready');
  });

  it('reports a PostgreSQL app whose schema does not exist as missing, without creating it', async (t) => {
    const pg = await createDatabase('pg');
    // Outside CI only: no PostgreSQL server here (with CI=true createDatabase fails instead of giving null).
    if (pg === null) return t.skip(`${serverLabel('pg')} is unreachable (CI=true makes this a failure)`);
    try {
      const url = `postgres://${PG.user}:not-needed-pw@${PG.host}:${PG.port}/${pg.name}`;
      writeFileSync(
        join(project.dir, 'registry.config.ts'),
        `export default { apps: { shop: { database: { client: 'pg', connection: '${url}' }, schema: 'tenant_new', migrations: { directory: './migrations' } } } };`,
      );
      const run = await runJson(['status'], { cwd: project.dir });
      expect(run.code).toBe(0);
      expect(run.json['apps']['shop']).toMatchObject({
        state: 'missing',
        missing: 'schema not found: tenant_new',
        migrations: { pending: ['001_create_items.ts', '002_add_price.ts'] },
      });
      expect(run.stdout + run.stderr).not.toContain('not-needed-pw');
      const schemata = await pg.knex('information_schema.schemata').where('schema_name', 'tenant_new');
      expect(schemata).toEqual([]);
    } finally {
      await pg.drop();
    }
  });

  it('reports an app with its own schema on a shared pool as missing while its schema does not exist, without creating it', async (t) => {
    const pg = await createDatabase('pg');
    // Outside CI only: no PostgreSQL server here (with CI=true createDatabase fails instead of giving null).
    if (pg === null) return t.skip(`${serverLabel('pg')} is unreachable (CI=true makes this a failure)`);
    try {
      const url = `postgres://${PG.user}@${PG.host}:${PG.port}/${pg.name}`;
      writeFileSync(
        join(project.dir, 'registry.config.ts'),
        `export default { apps: { main: { database: { client: 'pg', connection: '${url}' }, reusable: true }, ` +
          `shop: { useConnection: 'main', schema: 'tenant_shared', migrations: { directory: './migrations' } } } };`,
      );
      const run = await runJson(['status'], { cwd: project.dir });
      expect(run.code).toBe(0);
      expect(run.json['apps']['shop']).toMatchObject({ state: 'missing', missing: 'schema not found: tenant_shared' });
      expect(await pg.knex('information_schema.schemata').where('schema_name', 'tenant_shared')).toEqual([]);
    } finally {
      await pg.drop();
    }
  });

  it('exits quietly when the reader of its output goes away (knexus status | head)', async () => {
    const child = startCli(['status'], { cwd: project.dir });
    child.stdout!.destroy();
    const run = await finished(child);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('shows applied files with batch and time, and files edited since they ran', async () => {
    const quiet = await runCli(['up', '--once', '--quiet'], { cwd: project.dir });
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    appendFileSync(join(project.dir, 'migrations', '002_add_price.ts'), '\n// edited after it ran\n');

    const run = await runJson(['status', 'shop'], { cwd: project.dir });
    expect(run.code).toBe(0);
    const { migrations, seeds } = run.json['apps']['shop'];
    expect(migrations.applied).toHaveLength(2);
    expect(migrations.applied[0]).toMatchObject({ name: '001_create_items.ts', batch: 1 });
    expect(Number.isNaN(Date.parse(migrations.applied[0].appliedAt))).toBe(false);
    expect(migrations.pending).toEqual([]);
    expect(migrations.drifted).toEqual([expect.objectContaining({ name: '002_add_price.ts' })]);
    expect(seeds.applied.map((s: { name: string }) => s.name)).toEqual(['01_items.ts']);

    const human = await runCli(['status'], { cwd: project.dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/✔ 001_create_items\.ts {2}batch 1 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    expect(human.stdout).toMatch(/! 002_add_price\.ts {2}changed since it ran/);
    expect(human.stdout).toContain('Plugins');
  });

  it('refuses an app the config does not name (exit 2)', async () => {
    const run = await runJson(['status', 'warehouse'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.json['error']).toMatchObject({ code: 'KNEXUS_ERR_USAGE', appName: 'warehouse' });
  });
});
