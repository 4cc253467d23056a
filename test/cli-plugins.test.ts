import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProject, runCli, runJson } from './fixtures/cli/run-cli.js';

const CONFIG = `export default {
  plugins: {
    hello: { module: './hello.mjs' },
    broken: { module: './broken.mjs' },
    later: { enabled: false, module: './not-written-yet.mjs' },
  },
  apps: { shop: { database: { client: 'better-sqlite3', connection: './shop.sqlite' } } },
};`;

describe('knexus plugins', () => {
  let project: ReturnType<typeof makeProject>;
  beforeEach(() => {
    project = makeProject('plugins', { 'registry.config.ts': CONFIG });
  });
  afterEach(() => project.cleanup());

  it('shows each configured plugin: loaded with version and load time, failed with its error, disabled', async () => {
    const run = await runJson(['plugins'], { cwd: project.dir });
    expect(run.code).toBe(1);
    expect(run.json['ok']).toBe(false);
    const { hello, broken, later } = run.json['plugins'];
    expect(hello).toMatchObject({ state: 'loaded', version: '1.2.3', error: null });
    expect(hello.loadTimeMs).toEqual(expect.any(Number));
    expect(broken).toMatchObject({ state: 'failed', error: { code: 'KNEXUS_ERR_PLUGIN_IMPORT', message: expect.stringContaining('plugin exploded on import') } });
    expect(later).toMatchObject({ state: 'disabled' });

    const human = await runCli(['up', '--once'], { cwd: project.dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('✔ shop  ready');
    expect(human.stdout).toMatch(/✔ hello 1\.2\.3 {2}loaded {2}loaded in [\d.]+ms/);
    expect(human.stdout).toMatch(/✖ broken {2}failed\n\s+error\s+KNEXUS_ERR_PLUGIN_IMPORT: .*plugin exploded on import/);
    expect(human.stdout).toContain('- later  disabled');
  });

  it('status lists the configured plugins without loading them (it is read-only)', async () => {
    const run = await runJson(['status'], { cwd: project.dir });
    expect(run.code).toBe(0);
    const { hello, broken, later } = run.json['plugins'];
    expect([hello.state, broken.state, later.state]).toEqual(['not loaded', 'not loaded', 'disabled']);
  });
});
