import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFixture, makeProject, runCli, runJson, sqliteTables } from './fixtures/cli/run-cli.js';

describe('knexus repair', () => {
  let project: ReturnType<typeof makeProject>;
  beforeEach(() => {
    project = makeProject(undefined, {
      'registry.config.ts': `export default { apps: { shop: { database: { client: 'better-sqlite3', connection: './shop.sqlite' }, migrations: { directory: './migrations' } } } };`,
    });
    copyFixture('../../fixtures/migrations-dirty', join(project.dir, 'migrations'));
  });
  afterEach(() => project.cleanup());

  it('a half-applied file is reported truthfully, blocks migrate, and is settled by repair', async () => {
    const failed = await runCli(['migrate'], { cwd: project.dir, env: { KNEXUS_DIRTY_FAIL: '1' } });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('KNEXUS_ERR_MIGRATION_FAILED');
    expect(failed.stderr).toMatch(/hint: 002_outside\.mjs may be partly applied: it runs outside a transaction/);
    expect(failed.stderr).not.toContain('nothing of it was applied');
    expect(await sqliteTables(join(project.dir, 'shop.sqlite'))).toContain('dirty_first');

    const status = await runJson(['status'], { cwd: project.dir });
    expect(status.json['apps']['shop'].migrations).toMatchObject({
      applied: [{ name: '001_base.mjs' }],
      pending: [],
      dirty: ['002_outside.mjs'],
    });

    const blocked = await runJson(['migrate'], { cwd: project.dir });
    expect(blocked.code).toBe(1);
    expect(blocked.json['apps']['shop']).toMatchObject({ ok: false, error: { code: 'KNEXUS_ERR_LEDGER_DIRTY', file: '002_outside.mjs' } });

    const usage = await runJson(['repair', 'shop', '--migration', '002_outside.mjs', '--resolution', 'maybe'], { cwd: project.dir });
    expect(usage.code).toBe(2);
    expect(usage.json['error'].code).toBe('KNEXUS_ERR_USAGE');

    const repaired = await runJson(['repair', 'shop', '--migration', '002_outside.mjs', '--resolution', 'rolled-back'], {
      cwd: project.dir,
    });
    expect(repaired.code).toBe(0);
    expect(repaired.json['apps']['shop']).toMatchObject({
      ok: true,
      result: { file: '002_outside.mjs', resolution: 'rolled-back', batch: null },
    });

    // Rolled back: the file is pending again, to run in full once the human has undone its first table.
    const again = await runJson(['status'], { cwd: project.dir });
    expect(again.json['apps']['shop'].migrations.pending).toEqual(['002_outside.mjs']);
  });
});
