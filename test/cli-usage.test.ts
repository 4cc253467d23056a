import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli, runJson } from './fixtures/cli/run-cli.js';

describe('knexus command line', () => {
  let project: ReturnType<typeof makeProject>;
  beforeAll(() => {
    project = makeProject('shop');
  });
  afterAll(() => project.cleanup());

  it('--help lists the commands and exits 0; help <command> explains one', async () => {
    const run = await runCli(['--help'], { cwd: project.dir });
    expect(run.code).toBe(0);
    for (const command of ['up', 'status', 'migrate', 'rollback', 'seed', 'down', 'plugins', 'make:migration', 'make:seed']) {
      expect(run.stdout).toContain(`knexus ${command}`);
    }
    expect(run.stdout).toContain('Exit codes: 0 success; 1 an operation failed');
    expect(run.stdout).toContain('2 usage or config error');
    expect(run.stdout).toContain('3 status --check found pending or drifted files');
  });

  it.concurrent.for([
    { args: ['baseline', 'shop'], message: /'baseline' needs --to <name> .* or --from-knex/ },
    { args: ['rollback', 'shop', '--to', 'x', '--all'], message: /rollback --to names one migration/ },
    { args: ['make:migration', 'x', '-x', 'coffee'], message: /-x must be one of ts, js, mjs, cjs/ },
    { args: ['deploy'], message: /Unknown command 'deploy'/ },
    { args: ['rollback', '--step', '0'], message: /--step must be a positive whole number/ },
    { args: ['rollback', '--step', '2', '--all'], message: /Give --step or --all, not both/ },
    { args: ['status', '--to', 'x'], message: /Option --to does not apply to 'status'/ },
    { args: ['down'], message: /'down' needs <app>/ },
    { args: ['up', '--bogus'], message: /Unknown option '--bogus'/ },
  ])('usage error: knexus $args', async ({ args, message }, { expect }) => {
    const run = await runJson(args, { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.json['error'].code).toBe('KNEXUS_ERR_USAGE');
    expect(run.json['error'].message).toMatch(message);
  });
});
