import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJson, useProject } from './fixtures/cli/run-cli.js';

describe('knexus make:migration and make:seed', () => {
  const project = useProject('shop');

  it('write timestamped TypeScript templates that the runners accept', async () => {
    const cwd = project.dir;
    const migration = await runJson(['make:migration', 'AddSku'], { cwd });
    expect(migration.code).toBe(0);
    expect(migration.json).toMatchObject({ ok: true, command: 'make:migration', app: 'shop' });
    expect(migration.json['file']).toMatch(/migrations\/\d{14}_add_sku\.ts$/);
    const source = readFileSync(migration.json['file'], 'utf8');
    expect(source).toContain('export async function up(knex: Knex): Promise<void>');
    expect(source).toContain('export async function down(knex: Knex): Promise<void>');

    const seed = await runJson(['make:seed', 'more items', '--app', 'shop'], { cwd });
    expect(seed.code).toBe(0);
    expect(seed.json['file']).toMatch(/seeds\/\d{14}_more_items\.ts$/);
    const seedSource = readFileSync(seed.json['file'], 'utf8');
    expect(seedSource).toContain('export async function seed(knex: Knex): Promise<void>');
    expect(seedSource).toContain('export async function unseed(knex: Knex): Promise<void>');

    // The templates are real migration and seed files: `up` applies them along with the others.
    const up = await runJson(['up', '--once'], { cwd });
    expect(up.code).toBe(0);
    expect(up.json['apps']['shop'].migrations.appliedNow).toHaveLength(3);
    expect(up.json['apps']['shop'].seeds.appliedNow).toEqual(['01_items.ts', seed.json['file'].split('/').pop()]);
  });

  it('needs --app when several apps are configured (exit 2)', async () => {
    writeFileSync(
      join(project.dir, 'registry.config.ts'),
      `export default { apps: {
        a: { database: { client: 'better-sqlite3', connection: './a.sqlite' }, migrations: { directory: './migrations' } },
        b: { database: { client: 'better-sqlite3', connection: './b.sqlite' }, migrations: { directory: './migrations-b' } },
      } };`,
    );
    const ambiguous = await runJson(['make:migration', 'x'], { cwd: project.dir });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.json['error']).toMatchObject({ code: 'KNEXUS_ERR_USAGE', message: expect.stringContaining('--app') });

    const chosen = await runJson(['make:migration', 'x', '--app', 'b'], { cwd: project.dir });
    expect(chosen.code).toBe(0);
    expect(readdirSync(join(project.dir, 'migrations-b'))).toEqual([expect.stringMatching(/^\d{14}_x\.ts$/)]);
  });
});
