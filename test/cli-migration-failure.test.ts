import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFixture, makeProject, runCli, runJson, sqliteTables } from './fixtures/cli/run-cli.js';

describe('knexus with a failing migration', () => {
  let project: ReturnType<typeof makeProject>;
  beforeEach(() => {
    project = makeProject('shop');
    copyFixture('broken-migration', join(project.dir, 'migrations'));
  });
  afterEach(() => project.cleanup());

  it('exits 1 with the code and a hint, applies nothing of the failed file, and keeps it pending', async () => {
    const cwd = project.dir;
    const run = await runCli(['migrate'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error KNEXUS_ERR_MIGRATION_FAILED: Migration 003_half_done.ts (up) failed');
    expect(run.stderr).toContain('hint: ');
    // Stacks only with --verbose.
    expect(run.stderr).not.toMatch(/^\s+at /m);

    const tables = await sqliteTables(join(cwd, 'var', 'shop.sqlite'));
    expect(tables).toContain('items');
    expect(tables).not.toContain('half_done');

    const status = await runJson(['status'], { cwd });
    expect(status.json['apps']['shop'].migrations.pending).toEqual(['003_half_done.ts']);
    expect(status.json['apps']['shop'].migrations.applied).toHaveLength(2);

    const json = await runJson(['migrate', '--verbose'], { cwd });
    expect(json.code).toBe(1);
    expect(json.json['ok']).toBe(false);
    expect(json.json['apps']['shop'].error).toMatchObject({
      code: 'KNEXUS_ERR_MIGRATION_FAILED',
      file: '003_half_done.ts',
      appName: 'shop',
    });
    expect(json.json['apps']['shop'].error.stack).toContain('KnexusError');
  });

  it('up --once reports the failed app and exits 1', async () => {
    const run = await runJson(['up', '--once'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.json['apps']['shop']).toMatchObject({ state: 'failed', error: { code: 'KNEXUS_ERR_MIGRATION_FAILED' } });
  });
});
