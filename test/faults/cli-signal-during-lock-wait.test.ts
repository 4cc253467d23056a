import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture, finished, makeProject, startCli, waitForOutput } from '../fixtures/cli/run-cli.js';
import { holdSqliteLock, type LockHolder } from '../fixtures/faults/lock-holder.js';

describe('knexus up: the first SIGTERM while a registration waits for a lock', () => {
  let project: ReturnType<typeof makeProject> | undefined;
  let holder: LockHolder | undefined;
  afterEach(async () => {
    holder?.child.kill('SIGKILL');
    await holder?.exited;
    project?.cleanup();
  });

  it('shuts down within shutdownTimeout, saying so, instead of waiting out lockTimeout', async () => {
    project = makeProject(undefined, {
      'registry.config.ts': `export default {
        registry: { shutdownTimeout: 300 },
        apps: { shop: { database: { client: 'better-sqlite3', connection: './shop.sqlite' }, migrations: { directory: './migrations', lockTimeout: 60_000 } } },
      };`,
    });
    copyFixture('../../fixtures/migrations-basic', join(project.dir, 'migrations'));
    // Another process is in the middle of a long write on the app's file.
    holder = holdSqliteLock(join(project.dir, 'shop.sqlite'));
    await holder.locked;

    const child = startCli(['up', '--verbose'], { cwd: project.dir });
    const done = finished(child);
    await waitForOutput(child, 'shop: connecting');
    child.kill('SIGTERM');
    const run = await done;
    expect(run.stdout).toContain('SIGTERM received, shutting down');
    expect(run.stdout + run.stderr).toContain('KNEXUS_ERR_SHUTTING_DOWN');
    expect(run.code).toBe(1);
    // It did not wait for the lock: the other process still holds it.
    expect(holder.child.exitCode).toBeNull();
  });
});
