// Plugin-owned migrations and seeds: run per app in the app's database under `plugin:<name>`, shown in
// status, rolled back on unload with purgeData; the audit-log plugin's table is one.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AppRegistry, PluginInterface, type DatabaseConfig } from '../src/index.js';
import AuditLogPlugin from '../plugins/audit-log/index.js';
import { useDatabase } from './support/use-database.js';

const here = dirname(fileURLToPath(import.meta.url));
const data = join(here, 'fixtures', 'plugin-data');
const appMigrations = join(here, 'fixtures', 'migrations-basic');

class WidgetsPlugin extends PluginInterface {
  static readonly migrations = { directory: join(data, 'migrations') };
  static readonly seeds = { directory: join(data, 'seeds') };
  readonly tableName = 'plugin_widgets';
  constructor() {
    super('widgets', '1.0.0');
  }
  initialize() {}
}

class BrokenDataPlugin extends PluginInterface {
  readonly migrations = { directory: join(data, 'broken') };
  constructor() {
    super('broken-data', '1.0.0');
  }
  initialize() {}
}

for (const dialect of ['sqlite', 'pg', 'mariadb'] as const) {
  describe(`plugin-owned migrations on ${dialect}`, () => {
    const db = useDatabase(dialect);
    const database = (): DatabaseConfig => db!.config();
    const tables = async () => {
      const knex = db!.knex;
      return {
        audit: await knex.schema.hasTable('knexus_audit_log'),
        widgets: await knex.schema.hasTable('plugin_widgets'),
      };
    };
    const ledger = async (table: string) =>
      ((await db!.knex(table).orderBy('id').select('app', 'name')) as { app: string; name: string }[]).map((r) => `${r.app}:${r.name}`);

    it("creates the audit-log table through the plugin's migration and drops it on purge", async () => {
      const registry = new AppRegistry();
      try {
        await registry.loadPlugin(AuditLogPlugin, { app: 'audit' });
        await registry.registerApp('audit', { database: database(), migrations: { directory: appMigrations } });
        expect((await tables()).audit).toBe(true);
        expect(await ledger('knexus_migrations')).toEqual([
          'plugin:audit-log:001_audit_log.mjs',
          'audit:001_users.mjs',
          'audit:002_posts.mjs',
          'audit:003_tags.mjs',
        ]);
        expect(registry.getStatus().apps['audit']?.pluginData).toEqual({
          'audit-log': { namespace: 'plugin:audit-log', migrations: { batch: 1, applied: ['001_audit_log.mjs'] }, seeds: null },
        });
        // The table recorded the app's own migrations, which ran after it.
        expect(await db.knex('knexus_audit_log').pluck('operation')).toContain('migrations');
        // The app's own history does not list the plugin's files.
        const status = await registry.getApp('audit').migrationStatus();
        expect(status.applied.map((m) => m.name)).toEqual(['001_users.mjs', '002_posts.mjs', '003_tags.mjs']);

        await registry.unloadPlugin('audit-log', { purgeData: true });
        expect((await tables()).audit).toBe(false);
        expect(await ledger('knexus_migrations')).toEqual(['audit:001_users.mjs', 'audit:002_posts.mjs', 'audit:003_tags.mjs']);
        expect(registry.getStatus().apps['audit']?.pluginData).toEqual({});
        await registry.unregisterApp('audit', { rollback: 'all' });
      } finally {
        await registry.shutdown();
      }
    });

    it('applies a static declaration to apps registered before and after the plugin loads, once per database namespace', async () => {
      const registry = new AppRegistry();
      try {
        await registry.registerApp('first', { database: database() });
        await registry.loadPlugin(WidgetsPlugin);
        expect((await tables()).widgets).toBe(true);
        await registry.registerApp('second', { database: database() });
        expect(await db.knex('plugin_widgets').orderBy('id').pluck('app')).toEqual(['first']);
        expect(registry.getStatus().apps['second']?.pluginData['widgets']).toEqual({
          namespace: 'plugin:widgets',
          migrations: { batch: null, applied: [] },
          seeds: { batch: null, applied: [] },
        });
        expect(await ledger('knexus_seeds')).toEqual(['plugin:widgets:001_widgets.mjs']);

        // A reload applies what the new version brings (here nothing new: the ledger is unchanged).
        await registry.reloadPlugin('widgets', WidgetsPlugin);
        expect(await ledger('knexus_seeds')).toEqual(['plugin:widgets:001_widgets.mjs']);
        // Unloading without purgeData keeps the data; with it, seeds then migrations are undone.
        await registry.unloadPlugin('widgets');
        expect((await tables()).widgets).toBe(true);
        await registry.loadPlugin(WidgetsPlugin);
        await registry.unloadPlugin('widgets', { purgeData: true });
        expect((await tables()).widgets).toBe(false);
        expect(await ledger('knexus_seeds')).toEqual([]);
      } finally {
        await registry.shutdown();
      }
    });

    it('a failing plugin migration is reported, recorded in status, and never stops the registration', async () => {
      const registry = new AppRegistry();
      const errors: { error: { code?: string; pluginName?: string } }[] = [];
      registry.on('error', (event) => void errors.push(event as never));
      try {
        await registry.loadPlugin(BrokenDataPlugin);
        await registry.registerApp('app', { database: database() });
        expect(registry.hasApp('app')).toBe(true);
        expect(errors).toContainEqual(
          expect.objectContaining({ error: expect.objectContaining({ code: 'KNEXUS_ERR_PLUGIN_DATA', pluginName: 'broken-data' }) }),
        );
        expect(registry.getStatus().apps['app']?.pluginData['broken-data']).toMatchObject({
          namespace: 'plugin:broken-data',
          error: expect.stringContaining("Plugin 'broken-data' could not apply its migrations to app 'app'"),
        });
      } finally {
        await registry.shutdown();
      }
    });
  });
}
