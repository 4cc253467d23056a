import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson, useProject } from './fixtures/cli/run-cli.js';

const CONFIG = `export default {
  plugins: {
    hello: { module: './hello.mjs' },
    broken: { module: './broken.mjs' },
    later: { enabled: false, module: './not-written-yet.mjs' },
  },
  apps: { shop: { database: { client: 'better-sqlite3', connection: './shop.sqlite' } } },
};`;

describe('knexus plugins', () => {
  const project = useProject('plugins', { 'registry.config.ts': CONFIG });

  it('shows each configured plugin: loaded with version and load time, failed with its error, disabled', async () => {
    const run = await runJson(['plugins'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.json['ok']).toBe(false);
    const { hello, broken, later } = run.json['plugins'];
    expect(hello).toMatchObject({ state: 'loaded', version: '1.2.3', error: null });
    expect(hello.loadTimeMs).toEqual(expect.any(Number));
    expect(broken).toMatchObject({
      state: 'failed',
      error: { code: 'KNEXUS_ERR_PLUGIN_IMPORT', message: expect.stringContaining('plugin exploded on import') },
    });
    expect(later).toMatchObject({ state: 'disabled' });

    const human = await runCli(['up', '--once'], { cwd: project.dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('✔ shop  ready');
    expect(human.stdout).toMatch(/✔ hello 1\.2\.3 {2}loaded {2}loaded in [\d.]+ms/);
    expect(human.stdout).toMatch(/✖ broken {2}failed\n\s+error\s+KNEXUS_ERR_PLUGIN_IMPORT: .*plugin exploded on import/);
    expect(human.stdout).toContain('- later  disabled');
  });

  it('up --once shows a plugin whose hook throws: a warning with the code, and its failures in the plugin row', async () => {
    writeFileSync(
      join(project.dir, 'registry.config.ts'),
      `export default { plugins: { grumpy: { module: './grumpy.mjs' } }, apps: { shop: { database: { client: 'better-sqlite3', connection: './shop.sqlite' } } } };`,
    );
    const json = await runJson(['up', '--once'], { cwd: project.dir });
    expect(json.code).toBe(0);
    expect(json.json['plugins']['grumpy']).toMatchObject({
      state: 'loaded',
      error: null,
      hookErrors: 1,
      lastHookError: expect.stringContaining('audit table full (shop)'),
    });
    expect(json.stderr).toMatch(/warning shop: hook: KNEXUS_ERR_PLUGIN_HOOK_FAILED: .*audit table full \(shop\)/);

    const human = await runCli(['up', '--once'], { cwd: project.dir });
    expect(human.stdout).toMatch(/✔ grumpy 0\.1\.0 {2}loaded.*\n\s+hooks\s+1 failed, last: .*audit table full \(shop\)/);
  });

  it('a plugin rejecting its config exits 2; secrets inside plugin configs are masked', async () => {
    const config = (pickyConfig: string) => `export default { plugins: { picky: { module: './picky.mjs', config: ${pickyConfig} } } };`;
    writeFileSync(join(project.dir, 'registry.config.ts'), config('{}'));
    const rejected = await runJson(['plugins'], { cwd: project.dir });
    expect(rejected.code).toBe(2);
    expect(rejected.json['plugins']['picky']).toMatchObject({ state: 'failed', error: { code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID' } });

    writeFileSync(
      join(project.dir, 'registry.config.ts'),
      config(`{ level: 'info', target: { url: 'postgres://app:url-secret-1@db/x', password: 'plain-secret-2' } }`),
    );
    const failed = await runJson(['plugins'], { cwd: project.dir });
    expect(failed.code).toBe(1);
    expect(failed.json['plugins']['picky'].error.code).toBe('KNEXUS_ERR_PLUGIN_INIT_FAILED');
    expect(failed.stdout + failed.stderr).not.toMatch(/url-secret-1|plain-secret-2/);
  });

  it('status lists the configured plugins without loading them (it is read-only)', async () => {
    const run = await runJson(['status'], { cwd: project.dir });
    expect(run.code).toBe(0);
    const { hello, broken, later } = run.json['plugins'];
    expect([hello.state, broken.state, later.state]).toEqual(['not loaded', 'not loaded', 'disabled']);
  });
});
