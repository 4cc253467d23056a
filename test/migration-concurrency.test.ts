import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AutoOperationsResult } from '../src/index.js';
import { spawnChild } from './fixtures/migrations-child/spawn-child.js';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe.each(DIALECTS)('migrations: concurrent registrations (%s)', (dialect) => {
  const db = useDatabase(dialect);
  const createRegistry = useRegistry();

  // Cross-process on every dialect: PostgreSQL advisory lock, MariaDB GET_LOCK, SQLite busy-waiting write lock.
  it('two processes registering the same app at once apply each migration and seed exactly once, and neither fails', async () => {
    // A fresh schema, so the ledger tables do not exist yet when both processes start.
    const schema = dialect === 'pg' ? 'race_same_app' : undefined;
    if (schema !== undefined) await db.knex.raw('create schema ??', [schema]);
    const config = {
      database: db.config(),
      ...(schema === undefined ? {} : { schema }),
      migrations: { directory: fixture('migrations-concurrency'), lockTimeout: 20_000 },
      seeds: { directory: fixture('seeds-concurrency') },
    };
    // This test process is the other contender: a child process and this one register at the same moment.
    const child = spawnChild('racer', config);
    onTestFinished(() => child.kill('SIGKILL'));
    await child.ready;
    const registry = createRegistry();
    const registered = new Promise<AutoOperationsResult>((resolve) => registry.once('app-registered', (event) => resolve(event.result)));
    child.start();
    const [app, { outcome, exitCode }] = await Promise.all([registry.registerApp('racer', config), child.done]);
    const ours = await registered;

    expect([exitCode, outcome?.ok]).toEqual([0, true]);
    const applied = [...(outcome?.migrations?.applied ?? []), ...(ours.migrations?.applied ?? [])].sort();
    expect(applied).toEqual(['001_events.mjs', '002_slow_insert.mjs']);
    expect([...(outcome?.seeds?.applied ?? []), ...(ours.seeds?.applied ?? [])]).toEqual(['01_marker.mjs']);

    const events = db.knex(schema === undefined ? 'race_events' : `${schema}.race_events`);
    expect((await events.select('source').orderBy('id')).map((row: { source: string }) => row.source)).toEqual([
      '002_slow_insert',
      '01_marker',
    ]);
    expect((await app.migrationStatus()).applied.map((entry) => entry.name)).toEqual(['001_events.mjs', '002_slow_insert.mjs']);
    await registry.unregisterApp('racer', { rollback: 'all' });
    await registry.shutdown();
  });

  it('different apps registering at once on a fresh database all create and share the ledger', async () => {
    const schema = dialect === 'pg' ? 'race_many_apps' : undefined;
    if (schema !== undefined) await db.knex.raw('create schema ??', [schema]);
    const registries = ['one', 'two', 'three', 'four'].map(() => createRegistry());
    const names = ['app_one', 'app_two', 'app_three', 'app_four'];
    // Each app its own file: apps with the very same files in one ledger would be taken for one project renamed.
    const folders = names.map((name) => {
      const folder = mkdtempSync(join(tmpdir(), 'knexus-race-'));
      copyFileSync(join(fixture('migrations-ledger-race'), '001_touch.mjs'), join(folder, `001_touch_${name}.mjs`));
      return folder;
    });
    onTestFinished(() => {
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    });
    await Promise.all(
      registries.map((registry, i) =>
        registry.registerApp(names[i]!, {
          database: db!.config(),
          ...(schema === undefined ? {} : { schema }),
          migrations: { directory: folders[i]!, tableName: 'race_history' },
        }),
      ),
    );
    const ledger = db.knex(schema === undefined ? 'race_history' : `${schema}.race_history`);
    const rows = (await ledger.select('app')) as { app: string }[];
    expect(new Set(rows.map((row) => row.app))).toEqual(new Set(names));
    await Promise.all(registries.map((registry) => registry.shutdown()));
  });
});
