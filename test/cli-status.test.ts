import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, runCli, runJson, sqliteTables } from './fixtures/cli/run-cli.js';

describe('knexus status', () => {
  let project: ReturnType<typeof makeProject>;
  beforeEach(() => {
    project = makeProject('shop');
  });
  afterEach(() => project.cleanup());

  it('lists pending files of a fresh database and applies nothing', async () => {
    const run = await runJson(['status'], { cwd: project.dir });
    expect(run.code).toBe(0);
    const shop = run.json['apps']['shop'];
    expect(shop.migrations.applied).toEqual([]);
    expect(shop.migrations.pending).toEqual(['001_create_items.ts', '002_add_price.ts']);
    expect(shop.seeds.pending).toEqual(['01_items.ts']);
    expect(shop.health).toBeUndefined();
    expect(await sqliteTables(join(project.dir, 'var', 'shop.sqlite'))).not.toContain('items');
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
