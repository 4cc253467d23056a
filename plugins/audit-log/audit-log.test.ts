import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { AppRegistry } from '../../src/index.js';
import { createDatabase, serverLabel } from '../../test/support/databases.js';
import { brokenApp, fixture, notesApp, pluginModule } from '../test-fixtures/apps.js';
import { readmeExamples, runReadmeExample } from '../test-fixtures/readme-examples.js';
import AuditLogPlugin, { type AuditLogStatus, type AuditRecord } from './index.js';
import { useRegistry } from '../../test/support/use-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'knexus-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readLines(file: string): AuditRecord[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);
}

describe('audit-log plugin', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('appends registration, migrations, seeds, rollback and unregistration to a JSON-lines file', async () => {
    const file = join(dir, 'nested', 'audit.jsonl');
    registry = createRegistry();
    await registry.loadPlugin(AuditLogPlugin, { file });
    await registry.registerApp('blog', notesApp());
    await registry.unregisterApp('blog');

    const lines = readLines(file);
    expect(lines.map((l) => [l.app, l.operation, l.outcome])).toEqual([
      ['blog', 'migrations', 'succeeded'],
      ['blog', 'seeds', 'succeeded'],
      ['blog', 'registration', 'succeeded'],
      ['blog', 'rollback', 'succeeded'],
      ['blog', 'unregistration', 'succeeded'],
    ]);
    for (const line of lines) {
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
      expect(new Date(line.time).toISOString()).toBe(line.time);
      expect(line.error).toBeNull();
    }
    expect(lines[0]?.details).toMatchObject({ batch: 1, applied: ['001_notes.mjs'] });
    expect(lines[1]?.details).toMatchObject({ applied: ['001_notes.mjs'] });
    expect(lines[2]?.details).toMatchObject({ target: { client: 'better-sqlite3', filename: ':memory:' } });
    expect(lines[0]?.details).toMatchObject({ trigger: 'registration' });
    expect(lines[3]?.details).toMatchObject({
      trigger: 'unregistration',
      migrations: ['001_notes.mjs'],
      seeds: ['001_notes.mjs'],
      irreversibleSeeds: [],
    });
    expect(registry.getPlugin('audit-log')?.getStatus()).toMatchObject({ written: 5, pending: 0, failedWrites: 0 });
  });

  it('records migrations, seeds and rollbacks run by hand, saying they were manual, until it is unloaded', async () => {
    const file = join(dir, 'manual.jsonl');
    registry = createRegistry();
    await registry.loadPlugin(AuditLogPlugin, { file });
    const blog = await registry.registerApp('blog', notesApp());
    await blog.runMigrations();
    await blog.rollbackSeeds();
    await blog.runSeeds();
    await blog.rollbackMigrations();

    const manual = readLines(file).slice(3);
    expect(manual.map((l) => [l.operation, l.outcome, l.details?.['trigger']])).toEqual([
      ['migrations', 'succeeded', 'manual'],
      ['rollback', 'succeeded', 'manual'],
      ['seeds', 'succeeded', 'manual'],
      ['rollback', 'succeeded', 'manual'],
    ]);
    expect(manual[0]?.details).toEqual({ trigger: 'manual', batch: null, applied: [], drifted: [] });
    expect(manual[1]?.details).toEqual({
      trigger: 'manual',
      target: 'seeds',
      migrations: [],
      seeds: ['001_notes.mjs'],
      irreversibleSeeds: [],
    });
    expect(manual[2]?.details).toMatchObject({ trigger: 'manual', applied: ['001_notes.mjs'] });
    expect(manual[3]?.details).toEqual({
      trigger: 'manual',
      target: 'migrations',
      migrations: ['001_notes.mjs'],
      seeds: [],
      irreversibleSeeds: [],
    });
    for (const line of manual) expect(line.durationMs).toBeGreaterThanOrEqual(0);

    // The event listeners went through the scoped registry, so unloading removes them.
    expect(registry.listenerCount('migrations-completed')).toBe(1);
    await registry.unloadPlugin('audit-log');
    expect(registry.listenerCount('migrations-started') + registry.listenerCount('migrations-completed')).toBe(0);
    expect(registry.listenerCount('seeds-started') + registry.listenerCount('seeds-completed')).toBe(0);
    await blog.runMigrations();
    expect(readLines(file)).toHaveLength(7);
  });

  it('records a repair of a dirty ledger: which file, how it was settled', async () => {
    const file = join(dir, 'repair.jsonl');
    const migrations = { directory: join(process.cwd(), 'test', 'fixtures', 'migrations-dirty') };
    const flags = globalThis as { knexusDirtyFail?: boolean };
    registry = createRegistry();
    await registry.loadPlugin(AuditLogPlugin, { file });
    flags.knexusDirtyFail = true;
    try {
      await expect(
        registry.registerApp('mended', { database: { client: 'better-sqlite3', connection: join(dir, 'mended.sqlite') }, migrations }),
      ).rejects.toMatchObject({
        details: { dirty: true },
      });
    } finally {
      delete flags.knexusDirtyFail;
    }
    await registry.repair('mended', { migration: '002_outside.mjs', resolution: 'rolled-back' });
    // The record is written from an event listener, so it lands just after repair() resolves.
    const repair = await vi.waitFor(() => {
      const found = readLines(file).find((line) => line.operation === 'repair');
      expect(found).toBeDefined();
      return found;
    });
    expect(repair).toMatchObject({
      app: 'mended',
      outcome: 'succeeded',
      details: { section: 'migrations', file: '002_outside.mjs', resolution: 'rolled-back', batch: null },
    });
  });

  it('records a manual migration run that fails, timed from its start', async () => {
    const file = join(dir, 'manual-failure.jsonl');
    registry = createRegistry();
    await registry.loadPlugin(AuditLogPlugin, { file });
    const broken = await registry.registerApp('broken', {
      ...brokenApp(),
      migrations: { directory: [fixture('migrations'), fixture('migrations-broken')], enabled: false },
    });
    await expect(broken.runMigrations()).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED' });

    const [, failure] = readLines(file);
    expect(failure).toMatchObject({
      app: 'broken',
      operation: 'migrations',
      outcome: 'failed',
      error: { code: 'KNEXUS_ERR_MIGRATION_FAILED' },
      details: { trigger: 'manual' },
    });
    expect(failure?.durationMs).toBeGreaterThan(0);
  });

  it('records a failed registration with the failing step, its error code and the time spent', async () => {
    const file = join(dir, 'failures.jsonl');
    registry = createRegistry();
    await registry.loadPlugin(AuditLogPlugin, { file });
    await expect(registry.registerApp('broken', brokenApp())).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED' });

    const [failure, ...rest] = readLines(file);
    expect(rest).toEqual([]);
    expect(failure).toMatchObject({
      app: 'broken',
      operation: 'migrations',
      outcome: 'failed',
      error: { code: 'KNEXUS_ERR_MIGRATION_FAILED' },
      details: { during: 'registration' },
    });
    expect(failure?.durationMs).toBeGreaterThan(0);
  });

  it('writes to a registered app loaded from config, keeping earlier records until that app exists', async () => {
    const auditDb = join(dir, 'audit-app.sqlite');
    registry = createRegistry({ plugins: { 'audit-log': { module: pluginModule('audit-log'), config: { app: 'audit' } } } });
    expect((await registry.initialize()).loadedPlugins).toEqual(['audit-log']);

    await registry.registerApp('blog', notesApp());
    expect((registry.getPlugin('audit-log')!.getStatus() as AuditLogStatus).pending).toBe(3);

    const audit = await registry.registerApp('audit', { database: { client: 'better-sqlite3', connection: { filename: auditDb } } });
    const rows = await audit.knex('knexus_audit_log').orderBy('id').select('app', 'operation', 'outcome', 'duration_ms', 'details');
    expect(rows.map((r: { app: string; operation: string }) => `${r.app}:${r.operation}`)).toEqual([
      'blog:migrations',
      'blog:seeds',
      'blog:registration',
      'audit:registration',
    ]);
    expect(JSON.parse((rows[0] as { details: string }).details)).toMatchObject({ applied: ['001_notes.mjs'] });
    expect(registry.getPlugin('audit-log')?.getStatus()).toMatchObject({ destination: 'app:audit', written: 4, pending: 0 });

    await registry.unregisterApp('blog');
    expect(await audit.knex('knexus_audit_log').where({ app: 'blog', outcome: 'succeeded' }).count({ n: '*' })).toEqual([{ n: 5 }]);
  });

  it('creates the table in a database of its own and closes it at shutdown', async () => {
    const filename = join(dir, 'own.sqlite');
    registry = createRegistry();
    await registry.loadPlugin(AuditLogPlugin, {
      database: { client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true },
      table: 'app_audit',
    });
    await registry.registerApp('blog', notesApp());
    await registry.shutdown();

    const reader = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
    try {
      const rows = await reader('app_audit').select('app', 'operation');
      expect(rows).toEqual([
        { app: 'blog', operation: 'migrations' },
        { app: 'blog', operation: 'seeds' },
        { app: 'blog', operation: 'registration' },
      ]);
    } finally {
      await reader.destroy();
    }
  });

  it("resolves a relative SQLite filename in 'database' against the registry's baseDir, keeping :memory:", async () => {
    const baseDir = mkdtempSync(join(dir, 'base-'));
    registry = createRegistry({ baseDir });
    const config = { database: { client: 'better-sqlite3', connection: { filename: 'audit.sqlite' }, useNullAsDefault: true } };
    await registry.loadPlugin(AuditLogPlugin, config);
    await registry.registerApp('blog', notesApp());
    await registry.shutdown();

    expect(existsSync(join(process.cwd(), 'audit.sqlite'))).toBe(false);
    expect(config.database.connection.filename).toBe('audit.sqlite');
    const reader = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(baseDir, 'audit.sqlite') },
      useNullAsDefault: true,
    });
    try {
      expect(await reader('knexus_audit_log').count({ n: '*' })).toEqual([{ n: 3 }]);
    } finally {
      await reader.destroy();
    }

    const memoryBase = mkdtempSync(join(dir, 'memory-'));
    registry = createRegistry({ baseDir: memoryBase });
    await registry.loadPlugin(AuditLogPlugin, {
      database: { client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true },
    });
    await registry.registerApp('blog', notesApp());
    expect(readdirSync(memoryBase)).toEqual([]);
  });

  it('rejects a bad config naming the field', async () => {
    registry = createRegistry();
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'app'],
      [{ app: 'a', file: './x.jsonl' }, 'app/file'],
      [{ file: '' }, 'file'],
      [{ database: { connection: {} } }, 'database'],
      [{ app: 'a', table: 'bad name' }, 'table'],
      [{ app: 'a', bufferSize: -1 }, 'bufferSize'],
      [{ app: 'a', tabel: 'x' }, 'tabel'],
    ];
    for (const [config, field] of cases) {
      await expect(registry.loadPlugin(AuditLogPlugin, config)).rejects.toMatchObject({
        code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
        pluginName: 'audit-log',
        cause: { code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID', field },
      });
    }
    expect(registry.getPlugin('audit-log')).toBeUndefined();
  });

  it('never writes a password, even in a failure on PostgreSQL', async (t) => {
    const pg = await createDatabase('pg');
    if (pg === null) return t.skip(`${serverLabel('pg')} is unreachable (CI=true makes this a failure)`);
    const password = 'hunter2-audit-secret';
    try {
      registry = createRegistry();
      await registry.loadPlugin(AuditLogPlugin, { database: pg.config() });
      const connection = { ...(pg.config().connection as object), password };
      await registry.registerApp('blog', notesApp({ client: 'pg', connection }));
      await expect(registry.registerApp('broken', { ...brokenApp({ client: 'pg', connection }), schema: 'broken' })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_MIGRATION_FAILED',
      });
      const rows = await pg.knex('knexus_audit_log').select();
      expect(rows.map((r: { app: string; operation: string; outcome: string }) => `${r.app}:${r.operation}:${r.outcome}`)).toEqual([
        'blog:migrations:succeeded',
        'blog:seeds:succeeded',
        'blog:registration:succeeded',
        'broken:migrations:failed',
      ]);
      expect(JSON.stringify(rows)).not.toContain(password);
      expect(JSON.parse((rows[2] as { details: string }).details)).toMatchObject({
        target: { client: 'pg', database: pg.name, user: 'postgres' },
      });
    } finally {
      await registry?.shutdown();
      registry = undefined;
      await pg.drop();
    }
  });

  it('runs the README example', async () => {
    const [example] = readmeExamples('audit-log');
    const run = await runReadmeExample('audit-log', example!);
    try {
      const lines = readLines(join(run.workdir, 'data', 'audit.jsonl'));
      expect(lines.map((l) => l.operation)).toEqual(['registration']);
    } finally {
      run.cleanup();
    }
  });
});
