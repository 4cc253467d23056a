import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { AppRegistry } from '../../src/index.js';
import { createDatabase, serverLabel } from '../../test/support/databases.js';
import { brokenApp, notesApp, pluginModule } from '../test-fixtures/apps.js';
import { readmeExamples, runReadmeExample } from '../test-fixtures/readme-examples.js';
import BackupPlugin, { type BackupOutcome, type BackupStatus } from './index.js';
import { useRegistry } from '../../test/support/use-registry.js';

const root = mkdtempSync(join(tmpdir(), 'knexus-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshDir = (): string => join(root, `case-${folders++}`);

/** Reads a table of a backup file with better-sqlite3. */
async function readBackup(file: string, table: string): Promise<unknown[]> {
  const reader = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  try {
    return await reader(table).select();
  } finally {
    await reader.destroy();
  }
}

function outcomes(registry: AppRegistry): BackupOutcome[] {
  const seen: BackupOutcome[] = [];
  for (const event of ['backup:created', 'backup:failed', 'backup:skipped']) {
    registry.on(event, (...args: unknown[]) => seen.push(args[0] as BackupOutcome));
  }
  return seen;
}

/**
 * Looks into `folder` once per event-loop turn (the copy takes one step per turn) until a `.partial`
 * file appears, then holds the thread for `hookTimeout`: the hook's deadline has passed by the next
 * turn, whose timers run before the copy's next step, so the timeout aborts the copy in the middle
 * whatever the machine's speed. Resolves with the file's name, or undefined if the hook ended first.
 */
async function seePartialThenOutwait(folder: string, hookTimeout: number): Promise<string | undefined> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    const partial = readdirSync(folder).find((name) => name.endsWith('.partial'));
    if (partial !== undefined) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, hookTimeout + 5);
      return partial;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return undefined;
}

describe('backup plugin', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry | undefined;

  it('backs a SQLite file up before the unregistration rollback, with the data as it was', async () => {
    const directory = freshDir();
    const filename = join(root, 'blog.sqlite');
    registry = createRegistry();
    await registry.loadPlugin(BackupPlugin, { directory });
    const seen = outcomes(registry);
    await registry.registerApp('blog', notesApp({ client: 'better-sqlite3', connection: { filename } }));
    await registry.unregisterApp('blog');

    expect(seen).toHaveLength(1);
    const created = seen[0]!;
    expect(created).toMatchObject({ status: 'created', appName: 'blog', reason: 'before-rollback', deleted: [] });
    if (created.status !== 'created') throw new Error('unreachable');
    expect(created.file.startsWith(join(directory, 'blog', 'blog-'))).toBe(true);
    expect(created.bytes).toBeGreaterThan(0);
    expect(await readBackup(created.file, 'notes')).toEqual([
      { id: 1, body: 'first note' },
      { id: 2, body: 'second note' },
    ]);
    // The live database was rolled back after the copy was taken.
    const live = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
    try {
      expect(await live.schema.hasTable('notes')).toBe(false);
    } finally {
      await live.destroy();
    }
    expect(registry.getPlugin('backup')?.getStatus()).toMatchObject({ created: 1, failed: 0, inFlight: 0 });
  });

  it('backs up before a rollbackMigrations() called by hand, with the data as it was', async () => {
    const directory = freshDir();
    const filename = join(root, 'manual.sqlite');
    registry = createRegistry();
    await registry.loadPlugin(BackupPlugin, { directory });
    const seen = outcomes(registry);
    const triggers: unknown[] = [];
    registry.on('app-rollback-started', ({ options }) => triggers.push(options));
    const blog = await registry.registerApp('blog', notesApp({ client: 'better-sqlite3', connection: { filename } }));
    await blog.rollbackMigrations();

    expect(triggers).toEqual([expect.objectContaining({ trigger: 'manual', target: 'migrations' })]);
    expect(seen.map((o) => [o.status, o.reason])).toEqual([['created', 'before-rollback']]);
    const created = seen[0] as Extract<BackupOutcome, { status: 'created' }>;
    expect(await readBackup(created.file, 'notes')).toHaveLength(2);
    expect(await blog.knex.schema.hasTable('notes')).toBe(false);
  });

  it('deletes the .partial file of a backup aborted by its backupTimeout, and the rollback still runs', async () => {
    const directory = freshDir();
    // Generous, so the backup has created its .partial file long before the deadline even on a loaded machine.
    const hookTimeout = 200;
    registry = createRegistry({ pluginManager: { hookTimeout } });
    await registry.loadPlugin(BackupPlugin, { directory, backupTimeout: hookTimeout });
    const blog = await registry.registerApp('blog', notesApp());
    // ~5 MB, ~1,200 pages: better-sqlite3 copies 100 pages per event-loop turn, so the copy takes a dozen turns.
    await blog.knex.raw(
      'with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000) insert into notes (body) select hex(randomblob(500)) from n',
    );
    const failed = new Promise<BackupOutcome>((resolve) => registry!.once('backup:failed', (outcome) => resolve(outcome as BackupOutcome)));
    const folder = join(directory, 'blog');
    mkdirSync(folder);
    const partial = seePartialThenOutwait(folder, hookTimeout);
    await blog.rollbackMigrations();
    expect(await failed).toMatchObject({ status: 'failed', appName: 'blog', reason: 'before-rollback' });
    expect(await partial).toMatch(/^blog-.*-before-rollback\.sqlite\.partial$/);
    expect(readdirSync(folder)).toEqual([]);
    expect(await blog.knex.schema.hasTable('notes')).toBe(false);
    expect(registry.getPlugin('backup')?.getStatus()).toMatchObject({ created: 0, failed: 1 });
  });

  it('backs an in-memory database up and keeps only the newest `keep` per app', async () => {
    const directory = freshDir();
    registry = createRegistry();
    const plugin = (await registry.loadPlugin(BackupPlugin, { directory, keep: 2 })) as BackupPlugin;
    const blog = await registry.registerApp('blog', notesApp());
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      await blog.knex('notes').insert({ body: `extra ${i}` });
      const outcome = await plugin.backup('blog');
      if (outcome.status !== 'created') throw new Error(`backup ${i} was ${outcome.status}`);
      made.push(outcome.file);
    }
    await registry.unregisterApp('blog');

    const files = readdirSync(join(directory, 'blog')).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe(made[2]!.split('/').pop());
    expect(files[1]).toMatch(/-before-rollback\.sqlite$/);
    expect(await readBackup(made[2]!, 'notes')).toHaveLength(5);
    expect(await readBackup(join(directory, 'blog', files[1]!), 'notes')).toHaveLength(5);
  });

  it('backs up when a registration fails in its migrations, then forgets the app', async () => {
    const directory = freshDir();
    registry = createRegistry();
    await registry.loadPlugin(BackupPlugin, { directory });
    const seen = outcomes(registry);
    await expect(registry.registerApp('broken', brokenApp())).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED' });

    expect(seen.map((o) => [o.status, o.reason])).toEqual([['created', 'failed-migrations']]);
    const created = seen[0] as Extract<BackupOutcome, { status: 'created' }>;
    expect(await readBackup(created.file, 'sqlite_master')).toEqual(expect.any(Array));
    expect(await (registry.getPlugin('backup') as BackupPlugin).backup('broken')).toMatchObject({
      status: 'failed',
      error: "App 'broken' is not registered",
    });
  });

  it('never throws into the registry: a failed backup is an event and a status, and the rollback still runs', async () => {
    const directory = freshDir();
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'blog'), 'a file where the app folder should be');
    registry = createRegistry();
    await registry.loadPlugin(BackupPlugin, { directory });
    const seen = outcomes(registry);
    const errors: unknown[] = [];
    registry.on('error', (event) => errors.push(event));
    await registry.registerApp('blog', notesApp());

    await expect(registry.unregisterApp('blog')).resolves.toBe(true);
    expect(seen).toEqual([
      expect.objectContaining({
        status: 'failed',
        appName: 'blog',
        reason: 'before-rollback',
        error: expect.stringMatching(/EEXIST|ENOTDIR/),
      }),
    ]);
    expect(errors).toEqual([]);
    expect(registry.getPlugin('backup')?.getStatus()).toMatchObject({ created: 0, failed: 1 });
  });

  it('dumps PostgreSQL with pg_dump, or reports that it cannot', async (t) => {
    const pg = await createDatabase('pg');
    if (pg === null) return t.skip(`${serverLabel('pg')} is unreachable (CI=true makes this a failure)`);
    try {
      const directory = freshDir();
      registry = createRegistry();
      await registry.loadPlugin(BackupPlugin, { directory });
      const status = registry.getPlugin('backup')!.getStatus() as BackupStatus;
      const seen = outcomes(registry);
      // Trust auth ignores the password; it must still reach pg_dump only through PGPASSWORD.
      const connection = { ...(pg.config().connection as object), password: 'pg-backup-secret' };
      await registry.registerApp('shop', { ...notesApp({ client: 'pg', connection }), schema: 'shop' });
      await registry.unregisterApp('shop');

      if (status.pgDump === null) {
        expect(seen).toEqual([expect.objectContaining({ status: 'skipped', client: 'pg', why: expect.stringContaining('pg_dump') })]);
        return;
      }
      expect(seen.map((o) => o.status)).toEqual(['created']);
      const created = seen[0] as Extract<BackupOutcome, { status: 'created' }>;
      expect(created.file).toMatch(/-before-rollback\.dump$/);
      const sql = execFileSync('pg_restore', ['--file=-', created.file], { encoding: 'utf8' });
      expect(sql).toContain('CREATE TABLE shop.notes');
      expect(sql).toContain('first note');
      expect(JSON.stringify(seen)).not.toContain('pg-backup-secret');

      // Without pg_dump the same backup is skipped, not failed.
      await registry.unloadPlugin('backup');
      await registry.loadPlugin(BackupPlugin, { directory, pgDump: join(root, 'no-such-pg_dump') });
      await registry.registerApp('shop', { ...notesApp({ client: 'pg', connection }), schema: 'shop' });
      const skipped = await (registry.getPlugin('backup') as BackupPlugin).backup('shop');
      expect(skipped).toMatchObject({ status: 'skipped', client: 'pg', why: expect.stringContaining('pg_dump was not found') });
    } finally {
      await registry?.shutdown();
      registry = undefined;
      await pg.drop();
    }
  });

  it('reports MariaDB as unsupported', async (t) => {
    const maria = await createDatabase('mariadb');
    if (maria === null) return t.skip(`${serverLabel('mariadb')} is unreachable (CI=true makes this a failure)`);
    try {
      registry = createRegistry();
      const plugin = (await registry.loadPlugin(BackupPlugin, { directory: freshDir() })) as BackupPlugin;
      await registry.registerApp('legacy', { database: maria.config() });
      expect(await plugin.backup('legacy')).toMatchObject({
        status: 'skipped',
        client: 'mysql2',
        why: expect.stringContaining('not supported'),
      });
      expect(plugin.getStatus()).toMatchObject({ skipped: 1, created: 0 });
    } finally {
      await registry?.shutdown();
      registry = undefined;
      await maria.drop();
    }
  });

  it('loads from config, resolving the folder against baseDir, and rejects a bad config naming the field', async () => {
    const baseDir = freshDir();
    registry = createRegistry({
      baseDir,
      plugins: { backup: { module: pluginModule('backup'), config: { directory: './saved', keep: 1 } } },
    });
    expect((await registry.initialize()).loadedPlugins).toEqual(['backup']);
    expect(registry.getPlugin('backup')?.getStatus()).toMatchObject({ directory: join(baseDir, 'saved'), keep: 1 });
    expect(readdirSync(baseDir)).toEqual(['saved']);

    const cases: [Record<string, unknown>, string][] = [
      [{ keep: 0 }, 'keep'],
      [{ directory: '' }, 'directory'],
      [{ onFailure: ['migrations', 'typo'] }, 'onFailure'],
      [{ pgFormat: 'tar' }, 'pgFormat'],
      [{ beforeRollback: 'yes' }, 'beforeRollback'],
      [{ schedule: '0 2 * * *' }, 'schedule'],
    ];
    const other = new AppRegistry();
    try {
      for (const [config, field] of cases) {
        await expect(other.loadPlugin(BackupPlugin, config)).rejects.toMatchObject({
          code: 'KNEXUS_ERR_PLUGIN_CONFIG_INVALID',
          cause: { field, pluginName: 'backup' },
        });
      }
    } finally {
      await other.shutdown();
    }
  });

  it('runs the README example', async () => {
    const [example] = readmeExamples('backup');
    const run = await runReadmeExample('backup', example!);
    try {
      expect(readdirSync(join(run.workdir, 'backups', 'blog'))).toEqual([expect.stringMatching(/^blog-.*-before-rollback\.sqlite$/)]);
      expect(run.printed.join('\n')).toContain('"created":1');
    } finally {
      run.cleanup();
    }
  });
});
