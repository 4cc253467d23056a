import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, runCli, runJson, sqliteTables } from './fixtures/cli/run-cli.js';

describe('knexus migrate, rollback, seed and down', () => {
  let project: ReturnType<typeof makeProject>;
  let database: string;
  beforeEach(() => {
    project = makeProject('shop');
    database = join(project.dir, 'var', 'shop.sqlite');
  });
  afterEach(() => project.cleanup());

  it('migrate [--to] applies batches; rollback undoes the last batch, --step n, or --all', async () => {
    const cwd = project.dir;
    const first = await runJson(['migrate', 'shop', '--to', '001_create_items.ts'], { cwd });
    expect(first.code).toBe(0);
    expect(first.json['apps']['shop']).toMatchObject({ ok: true, result: { batch: 1, applied: ['001_create_items.ts'] } });

    const human = await runCli(['migrate'], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('ok shop: applied 1 migration(s) as batch 2: 002_add_price.ts');

    const step = await runJson(['rollback', '--step', '1'], { cwd });
    expect(step.code).toBe(0);
    expect(step.json['apps']['shop'].result.rolledBack).toEqual(['002_add_price.ts']);

    const all = await runJson(['rollback', 'shop', '--all'], { cwd });
    expect(all.code).toBe(0);
    expect(all.json['apps']['shop'].result.rolledBack).toEqual(['001_create_items.ts']);
    expect(await sqliteTables(database)).not.toContain('items');
  });

  it('rollback refuses to strand applied seeds (exit 2, nothing changed); --all rolls seeds back first', async () => {
    const cwd = project.dir;
    expect((await runCli(['up', '--once', '--quiet'], { cwd })).code).toBe(0);

    const refused = await runJson(['rollback', 'shop'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.json['error']).toMatchObject({ code: 'KNEXUS_ERR_USAGE', appName: 'shop', details: { seeds: ['01_items.ts'] } });
    expect(refused.json['error'].hint).toContain('knexus rollback shop --seeds');
    expect(await sqliteTables(database)).toContain('items');

    const all = await runJson(['rollback', '--all'], { cwd });
    expect(all.code).toBe(0);
    expect(all.json['apps']['shop'].result).toMatchObject({
      rolledBack: ['002_add_price.ts', '001_create_items.ts'],
      seeds: { rolledBack: ['01_items.ts'] },
    });
    const status = await runJson(['status'], { cwd });
    expect(status.json['apps']['shop'].seeds).toMatchObject({ applied: [], pending: ['01_items.ts'] });

    const help = await runCli(['help', 'rollback'], { cwd });
    expect(help.stdout).toMatch(/--all rolls back every seed first/);
  });

  it('seed runs new seeds; rollback --seeds undoes them; down <app> rolls back everything', async () => {
    const cwd = project.dir;
    expect((await runCli(['up', '--once', '--quiet'], { cwd })).code).toBe(0);

    const undo = await runJson(['rollback', '--seeds'], { cwd });
    expect(undo.code).toBe(0);
    expect(undo.json['apps']['shop'].result.rolledBack).toEqual(['01_items.ts']);

    const again = await runCli(['seed'], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('ok shop: ran 1 seed(s) as batch 1: 01_items.ts');

    const down = await runJson(['down', 'shop', '--yes'], { cwd });
    expect(down.code).toBe(0);
    expect(down.json['apps']['shop'].result.seeds.rolledBack).toEqual(['01_items.ts']);
    expect(down.json['apps']['shop'].result.migrations.rolledBack).toEqual(['002_add_price.ts', '001_create_items.ts']);
    expect(await sqliteTables(database)).not.toContain('items');
  });
});
