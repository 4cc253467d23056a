import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { useDatabase } from './support/use-database.js';
import { runMain, runMainJson } from './support/run-main.js';

const MIGRATIONS = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));

/** A knex project: `<tmp>/shopfront/knexfile.js` with development and production, and their migration folders. */
function knexProject(): { dir: string; knexfile: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'knexus-habits-'));
  const dir = join(root, 'shopfront');
  mkdirSync(dir);
  cpSync(MIGRATIONS, join(dir, 'migrations'), { recursive: true });
  cpSync(MIGRATIONS, join(dir, 'prod-migrations'), { recursive: true });
  const knexfile = join(dir, 'knexfile.js');
  writeFileSync(
    knexfile,
    `export default {
  development: { client: 'sqlite3', connection: { filename: './dev.sqlite' }, useNullAsDefault: true },
  production: { client: 'sqlite3', connection: { filename: './prod.sqlite' }, useNullAsDefault: true, migrations: { directory: './prod-migrations' } },
};\n`,
  );
  return { dir, knexfile, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

describe('the knex CLI habits', () => {
  const project = knexProject();
  afterAll(() => project.cleanup());

  it('bare knexus prints the help; -V prints the version', async () => {
    const bare = await runMain([]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('Usage: knexus <command>');
    expect(bare.stdout).toContain('knexus baseline');
    const version = await runMain(['-V']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^knexus \d+\.\d+\.\d+/);
  });

  it('--knexfile --env production: one app named after the folder; migrate --to, status --check, rollback --to', async () => {
    const base = ['--knexfile', project.knexfile, '--env', 'production'];
    const pending = await runMainJson(['status', '--check', ...base]);
    expect(pending.code).toBe(3);
    expect(Object.keys(pending.json['apps'])).toEqual(['shopfront']);
    expect(pending.json['apps']['shopfront'].connection).toMatchObject({ filename: join(project.dir, 'prod.sqlite') });
    expect(pending.json['check']).toEqual({ passed: false, behind: ['shopfront'] });

    const first = await runMainJson(['migrate', '--to', '002_posts', ...base]);
    expect(first.code).toBe(0);
    expect(first.json['apps']['shopfront'].result).toMatchObject({ batch: 1, applied: ['001_users.mjs', '002_posts.mjs'] });
    expect((await runMain(['status', '--check', ...base])).code).toBe(3);

    expect((await runMainJson(['migrate', ...base])).json['apps']['shopfront'].result.applied).toEqual(['003_tags.mjs']);
    // knex's own flag for the same file: -c knexfile.js is read as a knexfile, not a registry config.
    const byConfigFlag = await runMainJson(['status', '-c', project.knexfile, '--env', 'production']);
    expect(byConfigFlag.json['apps']['shopfront'].migrations.applied).toHaveLength(3);
    const passing = await runMainJson(['status', '--check', ...base]);
    expect(passing.code).toBe(0);
    expect(passing.json['check']).toEqual({ passed: true, behind: [] });
    expect(existsSync(join(project.dir, 'dev.sqlite'))).toBe(false);

    const back = await runMainJson(['rollback', 'shopfront', '--to', '002_posts.mjs', ...base]);
    expect(back.code).toBe(0);
    expect(back.json['apps']['shopfront'].result.rolledBack).toEqual(['003_tags.mjs', '002_posts.mjs']);
    const missing = await runMainJson(['rollback', '--to', '003_tags', ...base]);
    expect(missing.code).toBe(1);
    expect(missing.json['apps']['shopfront'].error).toMatchObject({ code: 'KNEXUS_ERR_MIGRATION_NOT_FOUND', file: '003_tags' });
  });

  it('baseline <app> --to marks migrations applied without running them; status shows them as baseline', async () => {
    const base = ['--knexfile', project.knexfile, '--env', 'development', '--app', 'legacy'];
    const marked = await runMainJson(['baseline', '--to', '002_posts', ...base]);
    expect(marked.code).toBe(0);
    expect(marked.json['apps']['legacy'].result).toMatchObject({ batch: 1, applied: ['001_users.mjs', '002_posts.mjs'] });
    const status = await runMain(['status', ...base]);
    expect(status.stdout).toMatch(/001_users\.mjs .*baseline/);
    expect(status.stdout).toMatch(/2 applied, 1 pending/);
  });

  it('make:migration -x cjs writes a CommonJS file the runner applies', async () => {
    const base = ['--knexfile', project.knexfile, '--env', 'production'];
    const made = await runMainJson(['make:migration', 'add_notes', '-x', 'cjs', ...base]);
    expect(made.code).toBe(0);
    expect(made.json['file']).toMatch(/prod-migrations\/\d{14}_add_notes\.cjs$/);
    expect(readdirSync(join(project.dir, 'prod-migrations')).filter((f) => f.endsWith('.cjs'))).toHaveLength(1);
    const applied = await runMainJson(['migrate', ...base]);
    expect(applied.json['apps']['shopfront'].result.applied.at(-1)).toMatch(/_add_notes\.cjs$/);
  });

  it('one-shot commands start no plugin unless --plugins is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knexus-oneshot-'));
    try {
      cpSync(MIGRATIONS, join(dir, 'migrations'), { recursive: true });
      const marker = join(dir, 'plugin-started');
      writeFileSync(
        join(dir, 'server.mjs'),
        `import { writeFileSync } from 'node:fs';\nexport default { name: 'server', version: '1.0.0', initialize() { writeFileSync(${JSON.stringify(marker)}, 'x'); }, shutdown() {}, getStatus() { return {}; } };\n`,
      );
      const config = join(dir, 'registry.config.mjs');
      writeFileSync(
        config,
        `export default { plugins: { server: { module: './server.mjs' } }, apps: { one: { database: { client: 'better-sqlite3', connection: './one.sqlite' }, migrations: { directory: './migrations' } } } };\n`,
      );
      expect((await runMain(['migrate', '--config', config])).code).toBe(0);
      expect(existsSync(marker)).toBe(false);
      expect((await runMain(['rollback', '--config', config, '--plugins'])).code).toBe(0);
      expect(existsSync(marker)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--url and DATABASE_URL (PostgreSQL)', () => {
  const db = useDatabase('pg');
  const project = knexProject();
  afterAll(async () => {
    project.cleanup();
  });

  it('replace the knexfile app’s connection, and the password is never printed', async () => {
    const url = `postgres://postgres:Sup3rSecretPw@127.0.0.1:5432/${db.name}`;
    process.env['NODE_ENV'] = 'development';
    const run = await runMainJson(['migrate', '--knexfile', project.knexfile, '--url', url]);
    expect(run.code).toBe(0);
    expect(run.json['apps']['shopfront'].result.applied).toHaveLength(3);
    expect(await db.knex.schema.hasTable('basic_users')).toBe(true);
    expect(run.stdout + run.stderr).not.toContain('Sup3rSecretPw');

    process.env['DATABASE_URL'] = url;
    try {
      const status = await runMain(['status', '--knexfile', project.knexfile, '--verbose']);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(db.name);
      expect(status.stdout + status.stderr).not.toContain('Sup3rSecretPw');
      const broken = await runMainJson(['status', '--knexfile', project.knexfile, '--url', url.replace('5432', '1')]);
      expect(JSON.stringify(broken.json)).not.toContain('Sup3rSecretPw');
    } finally {
      delete process.env['DATABASE_URL'];
      process.env['NODE_ENV'] = 'test';
    }
  });
});
