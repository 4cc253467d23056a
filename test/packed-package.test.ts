/**
 * What a user gets from npm: the project is copied as a fresh clone would be, packed (its `prepare`
 * builds dist/), and the tarball installed into a new consumer project with knex, objection and pg
 * only (no better-sqlite3), from the npm cache that `npm ci` filled. Everything below runs there.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase, serverAvailable, serverLabel, type TestDatabase } from './support/databases.js';
import { docBlocks } from './support/doc-examples.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const PLUGINS = ['audit-log', 'backup', 'board', 'metrics-http', 'query-monitor'] as const;
const work = mkdtempSync(join(tmpdir(), 'knexus-pack-'));
const consumer = join(work, 'consumer');

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['npm_config_prefix'];
  return spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
}

function ok(result: SpawnSyncReturns<string>): string {
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Runs an ES module script in the consumer project and returns its last stdout line, parsed. */
function esm(script: string): any {
  const lines = ok(run(process.execPath, ['--input-type=module', '-e', script], consumer))
    .trim()
    .split('\n');
  return JSON.parse(lines[lines.length - 1]!);
}

let tarballFiles: string[] = [];

beforeAll(() => {
  // A fresh clone: the tracked files (no dist/), with the repository's installed dev tools beside them.
  const clone = join(work, 'clone');
  mkdirSync(clone);
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  for (const file of tracked.split('\0').filter((f) => f !== '' && existsSync(join(root, f)))) {
    mkdirSync(join(clone, file, '..'), { recursive: true });
    cpSync(join(root, file), join(clone, file));
  }
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
  const packed = JSON.parse(ok(run('npm', ['pack', '--json', '--pack-destination', work], clone))) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarballFiles = packed[0]!.files.map((f) => f.path).sort();

  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const pin = (name: string) => `${name}@${manifest.devDependencies[name]}`;
  ok(
    run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(work, packed[0]!.filename),
        pin('knex'),
        pin('objection'),
        pin('pg'),
        pin('typescript'),
        pin('@types/node'),
      ],
      consumer,
    ),
  );
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships the build, the plugins and the docs, and no sources, tests or fixtures', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/cli/bin.js',
        ...PLUGINS.flatMap((p) => [`dist/plugins/${p}/index.js`, `dist/plugins/${p}/index.d.ts`, `plugins/${p}/README.md`]),
        'dist/plugins/audit-log/migrations/001_audit_log.mjs',
        // The README links to these.
        'docs/coming-from-knex.md',
        'docs/plugins.md',
        'docs/board.png',
      ]),
    );
    const unwanted = tarballFiles.filter((f) => /(^|\/)(test|fixtures|test-fixtures|bench)\//.test(f) || /\.test\.|(?<!\.d)\.ts$/.test(f));
    expect(unwanted).toEqual([]);
    // @internal members stay out of the public declarations.
    const declarations = tarballFiles
      .filter((f) => f.endsWith('.d.ts'))
      .map((f) => readFileSync(join(consumer, 'node_modules/knexus', f), 'utf8'));
    expect(declarations.filter((text) => text.includes('@internal'))).toEqual([]);
  });

  it('installs with the peers the user chose: pg, and no better-sqlite3 build', () => {
    expect(existsSync(join(consumer, 'node_modules/pg/package.json'))).toBe(true);
    expect(existsSync(join(consumer, 'node_modules/better-sqlite3'))).toBe(false);
    expect(existsSync(join(consumer, 'node_modules/mysql2'))).toBe(false);
  });

  it('imports as ESM without loading drivers, objection, Ajv, a TypeScript loader or the plugins’ prom-client', () => {
    const result = esm(`
      import { createRequire } from 'node:module';
      import * as knexus from 'knexus';
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      const has = (name) => loaded.some((p) => p.includes('/node_modules/' + name + '/'));
      console.log(JSON.stringify({ exports: Object.keys(knexus), loaded: ['pg', 'objection', 'prom-client', 'jiti', 'tsx', 'ajv'].filter(has) }));
    `);
    expect(result.exports).toEqual(
      expect.arrayContaining(['AppRegistry', 'PluginInterface', 'PluginManager', 'KnexusError', 'defineConfig']),
    );
    expect(result.loaded).toEqual([]);
  });

  it('is required from CommonJS, with the very classes the ESM import gives', () => {
    writeFileSync(
      join(consumer, 'check.cjs'),
      `const knexus = require('knexus');
       import('knexus').then((esm) => console.log(JSON.stringify({ same: esm.AppRegistry === knexus.AppRegistry, type: typeof knexus.AppRegistry })));`,
    );
    const result = ok(run(process.execPath, ['check.cjs'], consumer));
    expect(JSON.parse(result.trim())).toEqual({ same: true, type: 'function' });
  });

  it('imports each first-party plugin subpath as a PluginInterface class', () => {
    const result = esm(`
      import { PluginInterface } from 'knexus';
      const out = {};
      for (const name of ${JSON.stringify(PLUGINS)}) {
        const mod = await import('knexus/plugins/' + name);
        out[name] = typeof mod.default === 'function' && mod.default.prototype instanceof PluginInterface;
      }
      console.log(JSON.stringify(out));
    `);
    expect(result).toEqual(Object.fromEntries(PLUGINS.map((p) => [p, true])));
  });

  it('type-checks the README example, getModel<M>() and withTransaction(query builder) under --strict, from ESM and CommonJS', {
    timeout: 120_000,
  }, () => {
    const [readme] = docBlocks('README.md', 'example', 'ts');
    const example = readme!.code;
    writeFileSync(join(consumer, 'readme.ts'), `${example}\nexport {};\n`);
    writeFileSync(
      join(consumer, 'typed.ts'),
      `import { Model } from 'objection';
       import { AppRegistry, KnexusError, type AppConfig } from 'knexus';
       import AuditLog from 'knexus/plugins/audit-log';
       import type { PluginInterface } from 'knexus';
       class Note extends Model { static override tableName = 'notes'; id!: number; body!: string; }
       const config: AppConfig = { database: { client: 'pg', connection: 'postgres://localhost/db' }, models: { definitions: { Note } } };
       const registry = new AppRegistry();
       const app = await registry.registerApp('notes', config);
       const Notes = app.getModel<typeof Note>('Note');
       const inserted: Note = await app.withTransaction((trx) => Notes.query(trx).insert({ body: 'hi' }));
       const bodies: string[] = (await Notes.query()).map((n) => n.body);
       const plugin: PluginInterface = new AuditLog();
       const code: string = new KnexusError('KNEXUS_ERR_DRIVER_MISSING', 'x').code;
       console.log(inserted.id, bodies, plugin.name, code);
       export {};`,
    );
    writeFileSync(
      join(consumer, 'required.cts'),
      `import knexus = require('knexus');\nconst registry: knexus.AppRegistry = new knexus.AppRegistry();\nvoid registry;\n`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          noEmit: true,
          types: ['node'],
          exactOptionalPropertyTypes: false,
        },
        include: ['readme.ts', 'typed.ts', 'required.cts'],
      }),
    );
    const tsc = run(process.execPath, [join(consumer, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], consumer);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('runs the CLI from the build: npx knexus --help and --version', () => {
    const help = run('npx', ['--no-install', 'knexus', '--help'], consumer);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/knexus up/);
    const version = run('npx', ['--no-install', 'knexus', '--version'], consumer);
    expect(version.stdout.trim()).toBe(
      `knexus ${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}`,
    );
  });

  it('gives KNEXUS_ERR_DRIVER_MISSING with the install command for a better-sqlite3 app, before opening anything', () => {
    const result = esm(`
      import { AppRegistry } from 'knexus';
      const registry = new AppRegistry();
      const error = await registry.registerApp('local', { database: { client: 'sqlite', connection: { filename: './never-created.sqlite' } } }).catch((e) => e);
      await registry.shutdown();
      console.log(JSON.stringify({ code: error.code, client: error.client, message: error.message }));
    `);
    expect(result).toMatchObject({ code: 'KNEXUS_ERR_DRIVER_MISSING', client: 'better-sqlite3' });
    expect(result.message).toContain('npm install better-sqlite3');
    expect(existsSync(join(consumer, 'never-created.sqlite'))).toBe(false);
  });

  describe('on PostgreSQL', () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      if (await serverAvailable('pg')) db = await createPgDatabase();
    });
    afterAll(async () => db?.drop());

    it('registers an app with a TypeScript migration and a first-party plugin from config', async (t) => {
      if (db === undefined) return t.skip(`${serverLabel('pg')} is unreachable (CI=true makes this a failure)`);
      mkdirSync(join(consumer, 'migrations'), { recursive: true });
      writeFileSync(
        join(consumer, 'migrations/001_notes.ts'),
        `import type { Knex } from 'knex';
         export const up = (knex: Knex) => knex.schema.createTable('notes', (t) => { t.increments('id'); t.string('body'); });
         export const down = (knex: Knex) => knex.schema.dropTable('notes');`,
      );
      writeFileSync(
        join(consumer, 'registry.config.ts'),
        `import { defineConfig } from 'knexus';
         export default defineConfig({
           plugins: { audit: { module: 'knexus/plugins/audit-log', config: { file: './audit.jsonl' } } },
           apps: { notes: { database: ${JSON.stringify(db.config())}, migrations: { directory: './migrations' } } },
         });`,
      );
      const up = run('npx', ['--no-install', 'knexus', 'up', '--once', '--json'], consumer);
      expect(up.status, up.stderr).toBe(0);
      const report = JSON.parse(up.stdout);
      expect(report.apps.notes.state).toBe('ready');
      expect(report.apps.notes.migrations.applied.map((m: { name: string }) => m.name)).toEqual(['001_notes.ts']);
      expect(await db.knex.schema.hasTable('notes')).toBe(true);
      expect(readFileSync(join(consumer, 'audit.jsonl'), 'utf8')).toContain('notes');
    });
  });
});
