import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppRegistry } from '../src/index.js';
import { useDatabase } from './support/use-database.js';

const MIGRATIONS = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));

/** A project folder holding a knexfile and a migrations folder (and a second one for production). */
function project(knexfileName: string, source: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'knexus-knexfile-'));
  cpSync(MIGRATIONS, join(dir, 'migrations'), { recursive: true });
  cpSync(fileURLToPath(new URL('./fixtures/migrations-app-a', import.meta.url)), join(dir, 'prod-migrations'), { recursive: true });
  const file = join(dir, knexfileName);
  writeFileSync(file, source);
  return { dir, file };
}

const ENVIRONMENTS = `{
  development: { client: 'sqlite3', connection: { filename: './dev.sqlite' }, useNullAsDefault: true, migrations: { directory: './migrations' } },
  production: { client: 'sqlite3', connection: { filename: './prod.sqlite' }, useNullAsDefault: true, migrations: { directory: './prod-migrations' } },
}`;

// Every way a knexfile is written: ESM default export, module.exports, a function, a promise, TypeScript; with or without environments.
const FORMS = [
  { name: 'knexfile.js', source: `export default ${ENVIRONMENTS};` },
  { name: 'knexfile.cjs', source: `module.exports = ${ENVIRONMENTS};` },
  { name: 'knexfile.mjs', source: `export default async () => (${ENVIRONMENTS});` },
  {
    name: 'knexfile.ts',
    source: `import type { Knex } from 'knex';\nconst config: Record<string, Knex.Config> = ${ENVIRONMENTS};\nexport default Promise.resolve(config);`,
  },
  { name: 'knexfile.cjs', source: `module.exports = ${ENVIRONMENTS}.development;`, flat: true },
];

describe('database.knexfile: a knex project’s knexfile as the app’s defaults', () => {
  const dirs: string[] = [];
  const nodeEnv = process.env['NODE_ENV'];
  afterEach(() => {
    if (nodeEnv === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = nodeEnv;
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(FORMS)('$name (flat: $flat): environment production, or NODE_ENV, then development', async ({ name, source, flat }) => {
    const { dir, file } = project(name, source);
    dirs.push(dir);
    const registry = new AppRegistry({ baseDir: dir });
    try {
      delete process.env['NODE_ENV'];
      const dev = await registry.registerApp('dev', { database: { knexfile: `./${name}` } });
      expect(dev.target.filename).toBe(join(dir, 'dev.sqlite'));
      expect((await dev.migrationStatus()).applied.map((e) => e.name)).toEqual(['001_users.mjs', '002_posts.mjs', '003_tags.mjs']);
      if (flat) return;

      const prod = await registry.registerApp('prod', { database: { knexfile: file, environment: 'production' } });
      expect(prod.target.filename).toBe(join(dir, 'prod.sqlite'));
      expect((await prod.migrationStatus()).applied.map((e) => e.name)).toEqual(['001_init.mjs']);

      process.env['NODE_ENV'] = 'production';
      const byNodeEnv = await registry.registerApp('by_node_env', { database: { knexfile: file }, migrations: { enabled: false } });
      expect(byNodeEnv.target.filename).toBe(join(dir, 'prod.sqlite'));
    } finally {
      await registry.shutdown();
    }
  });

  it("the app's own fields override the knexfile's; an unknown environment is a coded error naming the choices", async () => {
    const { dir, file } = project('knexfile.js', `export default ${ENVIRONMENTS};`);
    dirs.push(dir);
    const registry = new AppRegistry({ baseDir: dir });
    try {
      const app = await registry.registerApp('custom', {
        database: { knexfile: file, environment: 'development', connection: { filename: './custom.sqlite' } },
        migrations: { directory: './prod-migrations' },
      });
      expect(app.target.filename).toBe(join(dir, 'custom.sqlite'));
      expect((await app.migrationStatus()).applied.map((e) => e.name)).toEqual(['001_init.mjs']);
      expect(existsSync(join(dir, 'dev.sqlite'))).toBe(false);

      await expect(registry.registerApp('staging', { database: { knexfile: file, environment: 'staging' } })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_INVALID_CONFIG',
        field: 'database.environment',
        details: { environment: 'staging', environments: ['development', 'production'] },
      });
      await expect(registry.registerApp('nofile', { database: { knexfile: './missing.js' } })).rejects.toMatchObject({
        code: 'KNEXUS_ERR_CONFIG_NOT_FOUND',
        field: 'database.knexfile',
      });
    } finally {
      await registry.shutdown();
    }
  });
});

describe("a knexfile's migrations.tableName names knex's ledger", () => {
  it('is read for importKnexHistory (never used as the knexus ledger); knexfile seeds stay off at registration', async () => {
    const { dir, file } = project(
      'knexfile.mjs',
      `import { SemverMigrationSource } from ${JSON.stringify(fileURLToPath(new URL('./fixtures/knex-semver/semver-source.js', import.meta.url)))};
export default {
  client: 'better-sqlite3',
  connection: { filename: './legacy.sqlite' },
  useNullAsDefault: true,
  migrations: { tableName: 'legacy_migrations', migrationSource: new SemverMigrationSource(${JSON.stringify(fileURLToPath(new URL('./fixtures/knex-semver/migrations', import.meta.url)))}) },
  seeds: { directory: './migrations' },
};`,
    );
    const db = {
      dialect: 'sqlite' as const,
      config: () => ({ client: 'better-sqlite3', connection: { filename: join(dir, 'legacy.sqlite') } }),
    };
    const { migrateWithKnex } = await import('./support/knex-project.js');
    await migrateWithKnex(db as never, fileURLToPath(new URL('./fixtures/knex-semver/migrations', import.meta.url)), {
      steps: 2,
      tableName: 'legacy_migrations',
    });
    const registry = new AppRegistry({ baseDir: dir });
    try {
      const app = await registry.registerApp('legacy', { database: { knexfile: file }, migrations: { importKnexHistory: true } });
      const status = await app.migrationStatus();
      expect(status.applied.map((e) => e.origin)).toEqual(['imported', 'imported', 'run', 'run']);
      expect((await app.seedStatus()).applied).toEqual([]);
    } finally {
      await registry.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('database.knexfile on PostgreSQL', () => {
  const db = useDatabase('pg');

  it("production's connection and directories come from the knexfile", async () => {
    const connection = JSON.stringify(db.config().connection as object);
    const { dir, file } = project(
      'knexfile.ts',
      `export default {
  development: { client: 'sqlite3', connection: { filename: './dev.sqlite' }, useNullAsDefault: true },
  production: { client: 'postgresql', connection: ${connection}, pool: { min: 0, max: 2 }, migrations: { directory: './prod-migrations' } },
};`,
    );
    const registry = new AppRegistry({ baseDir: dir });
    try {
      const app = await registry.registerApp('prod', { database: { knexfile: file, environment: 'production' } });
      expect(app.target).toMatchObject({ client: 'pg', database: db.name });
      expect(await db.knex.schema.hasTable('a_items')).toBe(true);
    } finally {
      await registry.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a knexfile's knexus section: settings knex has no word for", () => {
  const db = useDatabase('sqlite');
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("knexus: { migrations: { drift } } at the top and an environment's own knexus section over it", async () => {
    const { dir, file } = project(
      'knexfile.mjs',
      `export default {
  knexus: { migrations: { drift: 'ignore', lockTimeout: 5000 } },
  development: { client: 'sqlite3', connection: ${JSON.stringify(db.config().connection)}, useNullAsDefault: true, knexus: { migrations: { drift: 'warn' } } },
};`,
    );
    dirs.push(dir);
    const first = new AppRegistry();
    try {
      await first.registerApp('driftless', { database: { knexfile: file, environment: 'development' } });
    } finally {
      await first.shutdown();
    }
    writeFileSync(
      join(dir, 'migrations', '001_users.mjs'),
      '// edited after it ran\nexport async function up() {}\nexport async function down() {}\n',
    );
    const registry = new AppRegistry();
    try {
      const warnings: string[] = [];
      registry.on('warning', (event) => warnings.push(event.message));
      const again = await registry.registerApp('driftless', { database: { knexfile: file, environment: 'development' } });
      expect(warnings.join('\n')).toContain('001_users.mjs');
      expect((await again.migrationStatus()).drifted.map((d) => d.name)).toEqual(['001_users.mjs']);
    } finally {
      await registry.shutdown();
    }
  });
});
