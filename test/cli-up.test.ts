import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFixture, finished, runCli, runJson, startCli, useProject, waitForOutput } from './fixtures/cli/run-cli.js';

describe('knexus up', () => {
  const project = useProject('shop');

  it('--once registers every app, prints the report and applies nothing the second time', async () => {
    const first = await runCli(['up', '--once'], { cwd: project.dir });
    expect(first.stderr).not.toMatch(/error|warning/i);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('✔ shop  ready');
    expect(first.stdout).toMatch(/migrations\s+2 applied \(2 now, batch 1\), 0 pending/);
    expect(first.stdout).toMatch(/seeds\s+1 applied \(1 now, batch 1\), 0 pending/);
    expect(first.stdout).toMatch(/connection\s+better-sqlite3 var\/shop\.sqlite/);

    const second = await runJson(['up', '--once'], { cwd: project.dir });
    expect(second.code).toBe(0);
    expect(second.json['ok']).toBe(true);
    const shop = second.json['apps']['shop'];
    expect(shop.state).toBe('ready');
    expect(shop.migrations.appliedNow).toEqual([]);
    expect(shop.migrations.applied.map((m: { name: string }) => m.name)).toEqual(['001_create_items.ts', '002_add_price.ts']);
    expect(shop.migrations.pending).toEqual([]);
    expect(shop.seeds.appliedNow).toEqual([]);
    expect(shop.seeds.applied).toHaveLength(1);
    expect(shop.models).toEqual(['Item']);
    expect(shop.health.status).toBe('healthy');
    expect(shop.connection).toEqual({ client: 'better-sqlite3', filename: join(project.dir, 'var', 'shop.sqlite') });
    expect(second.json['plugins']).toEqual({});
  });

  it('reports an app that cannot connect (exit 1) without printing its password', async () => {
    const password = 'hunter2-very-secret';
    writeFileSync(
      join(project.dir, 'registry.config.ts'),
      `export default { apps: {
        shop: { database: { client: 'better-sqlite3', connection: './var/shop.sqlite' } },
        remote: { database: { client: 'pg', connection: 'postgres://app:${password}@127.0.0.1:1/remote' } },
      } };`,
    );
    const human = await runCli(['up', '--once', '--verbose'], { cwd: project.dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('✔ shop  ready');
    expect(human.stdout).toContain('✖ remote  failed');
    expect(human.stdout).toContain('KNEXUS_ERR_CONNECTION_FAILED');
    expect(human.stdout).toMatch(/connection\s+pg app@127\.0\.0\.1:1\/remote/);
    expect(human.stdout + human.stderr).not.toContain(password);

    const json = await runJson(['up', '--once', '--verbose'], { cwd: project.dir });
    expect(json.code).toBe(1);
    expect(json.json['ok']).toBe(false);
    expect(json.json['apps']['remote'].error.code).toBe('KNEXUS_ERR_CONNECTION_FAILED');
    expect(json.json['apps']['remote'].connection).toEqual({ client: 'pg', host: '127.0.0.1', port: 1, database: 'remote', user: 'app' });
    expect(json.stdout + json.stderr).not.toContain(password);
  });

  it('keeps running until SIGINT, then shuts down cleanly with exit 0', async () => {
    const child = startCli(['up'], { cwd: project.dir });
    const done = finished(child);
    await waitForOutput(child, 'press Ctrl-C to stop');
    child.kill('SIGINT');
    const run = await done;
    expect(run.stderr).not.toMatch(/error|warning/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIGINT received, shutting down');
    expect(run.stdout).toMatch(/stopped in .*1 connection\(s\) closed/);
  });

  it('exits at once, non-zero, on a second signal while the shutdown hangs', async () => {
    copyFixture('plugins', join(project.dir, 'plugins'));
    writeFileSync(
      join(project.dir, 'registry.config.ts'),
      `export default {
        pluginManager: { shutdownTimeout: 60_000 },
        plugins: { stubborn: { module: './plugins/stubborn.mjs' } },
        apps: { shop: { database: { client: 'better-sqlite3', connection: './var/shop.sqlite' } } },
      };`,
    );
    const child = startCli(['up'], { cwd: project.dir });
    const done = finished(child);
    await waitForOutput(child, 'press Ctrl-C to stop');
    const shuttingDown = waitForOutput(child, 'shutting down');
    child.kill('SIGTERM');
    await shuttingDown;
    child.kill('SIGTERM');
    const run = await done;
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('second SIGTERM: exiting at once');
  });
});
