import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AppRegistry, definePlugin, type RollbackContext } from '../src/index.js';
import { useRegistry } from './support/use-registry.js';

const fixture = (dir: string) => fileURLToPath(new URL(`./fixtures/${dir}`, import.meta.url));
const memory = () => ({ client: 'better-sqlite3', connection: { filename: ':memory:' } }) as const;

/** A plugin that records the hooks manual operations fire. */
function tracer(trace: string[]) {
  return definePlugin({
    name: 'tracer',
    version: '1.0.0',
    initialize() {},
    shutdown() {},
    getStatus: () => ({}),
    onAppRollbackStarted(appName, _connection, options: RollbackContext) {
      trace.push(`rollback-started:${appName}:${options.trigger}:${options.target ?? ''}:${options.step ?? ''}`);
    },
    onAppRollbackCompleted(appName, result) {
      trace.push(
        `rollback-completed:${appName}:${result.migrations?.rolledBack.join(',') ?? '-'}:${result.seeds?.rolledBack.join(',') ?? '-'}`,
      );
    },
    onOperationFailed(appName, operation, error, context) {
      trace.push(`failed:${appName}:${operation}:${String(context['trigger'])}:${(error as { code?: string }).code}`);
    },
  });
}

describe('operations run by hand are observable like registration steps', () => {
  const createRegistry = useRegistry();
  let registry: AppRegistry;

  it('runMigrations/rollbackMigrations by hand emit events and fire the rollback hooks with trigger manual', async () => {
    registry = createRegistry();
    const trace: string[] = [];
    await registry.loadPlugin(tracer(trace));
    const events: string[] = [];
    registry.on('migrations-started', (e) => events.push(`migrations-started:${e.appName}`));
    registry.on('migrations-completed', (e) => events.push(`migrations-completed:${e.result.applied.join(',')}`));
    registry.on('auto-migration-started', (e) => events.push(`auto-migration-started:${e.appName}`));

    const conn = await registry.registerApp('blog', {
      database: memory(),
      migrations: { directory: fixture('unregister/migrations'), enabled: false },
    });
    expect(events).toEqual([]);
    await conn.runMigrations();
    await conn.rollbackMigrations({ step: 1 });
    expect(events).toEqual(['migrations-started:blog', 'migrations-completed:001_authors.mjs,002_posts.mjs']);
    expect(trace).toEqual(['rollback-started:blog:manual:migrations:1', 'rollback-completed:blog:002_posts.mjs:-']);
  });

  it('a failing manual migration is reported to plugins and as an error event, then rethrown', async () => {
    registry = createRegistry();
    const trace: string[] = [];
    await registry.loadPlugin(tracer(trace));
    const errors: unknown[] = [];
    registry.on('error', (e) => errors.push(e));
    const conn = await registry.registerApp('blog', {
      database: memory(),
      migrations: { directory: [fixture('unregister/migrations'), fixture('manual/migrations-broken')], enabled: false },
    });
    await expect(conn.runMigrations()).rejects.toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_FAILED', file: '003_broken.mjs' });
    expect(trace).toEqual(['failed:blog:migrations:manual:KNEXUS_ERR_MIGRATION_FAILED']);
    expect(errors).toEqual([expect.objectContaining({ component: 'AppRegistry', phase: 'migrations', appName: 'blog' })]);
  });

  it('unregistration rollbacks say so in the hook options', async () => {
    registry = createRegistry();
    const trace: string[] = [];
    await registry.loadPlugin(tracer(trace));
    await registry.registerApp('blog', { database: memory(), migrations: { directory: fixture('unregister/migrations') } });
    await registry.unregisterApp('blog');
    expect(trace).toEqual(['rollback-started:blog:unregistration::', 'rollback-completed:blog:002_posts.mjs,001_authors.mjs:-']);
  });
});
