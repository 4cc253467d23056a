import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KnexusError } from '../src/index.js';
import { exitCodeFor } from '../src/cli/format-error.js';
import { runMain, runMainJson } from './support/run-main.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const BACKUP_PLUGIN = fileURLToPath(new URL('../plugins/backup/index.ts', import.meta.url));

/** `<tmp>/<name>/knexfile.mjs` with `settings` and a copy of `migrations`. */
function knexProject(name: string, settings: string, migrations = 'migrations-basic'): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'knexus-exit-')), name);
  mkdirSync(dir);
  cpSync(fixture(migrations), join(dir, 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'knexfile.mjs'), `export default ${settings};\n`);
  return dir;
}
/** A stdin that says it is a terminal and answers `text`. */
function terminal(text: string): NodeJS.ReadStream {
  const stream = Readable.from([text]) as unknown as NodeJS.ReadStream;
  Object.defineProperty(stream, 'isTTY', { value: true });
  return stream;
}

const SQLITE = "{ client: 'better-sqlite3', connection: { filename: './db.sqlite' }, useNullAsDefault: true }";

describe('exit codes', () => {
  it('status --check: 3 when behind, 0 when up to date, 1 when the database cannot be read', async () => {
    const dir = knexProject('gate', SQLITE);
    expect((await runMain(['status', '--check', '--cwd', dir])).code).toBe(3);
    expect((await runMain(['migrate', '--cwd', dir])).code).toBe(0);
    expect((await runMain(['status', '--check', '--cwd', dir])).code).toBe(0);
    const down = knexProject('gate', "{ client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none', acquireConnectionTimeout: 2000 }");
    const unreachable = await runMainJson(['status', '--check', '--cwd', down]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.json['check'].passed).toBe(false);
  });

  it('a missing driver is a config error (2), like an unknown client', () => {
    expect(exitCodeFor(new KnexusError('KNEXUS_ERR_DRIVER_MISSING', 'no driver'))).toBe(2);
  });
});

describe('hints', () => {
  it('--verbose never hints "run again with --verbose"', async () => {
    const dir = knexProject('taken', SQLITE);
    // A table of the ledger's name that is not a ledger: an error without a hint of its own.
    const { default: knex } = await import('knex');
    const db = knex({ client: 'better-sqlite3', connection: { filename: join(dir, 'db.sqlite') }, useNullAsDefault: true });
    try {
      await db.schema.createTable('knexus_migrations', (t) => t.string('something'));
    } finally {
      await db.destroy();
    }
    const plain = await runMain(['migrate', '--cwd', dir]);
    expect(plain.stderr).toContain('KNEXUS_ERR_LEDGER_TABLE_TAKEN');
    expect(plain.stderr).toContain('Run again with --verbose');
    const verbose = await runMain(['migrate', '--cwd', dir, '--verbose']);
    expect(verbose.stderr).toContain('KNEXUS_ERR_LEDGER_TABLE_TAKEN');
    expect(verbose.stderr).not.toContain('--verbose');
  });

  it('status does not advise running status; other commands do', async () => {
    const dir = knexProject('badconf', `{ ...${SQLITE}, knexus: { migrations: { drift: 'sometimes' } } }`);
    const status = await runMainJson(['status', '--cwd', dir]);
    expect(status.json['error'].code).toBe('KNEXUS_ERR_INVALID_CONFIG');
    expect(status.json['error'].hint).not.toContain('knexus status');
    const migrate = await runMainJson(['migrate', '--cwd', dir]);
    expect(migrate.json['error'].hint).toContain('knexus status');
  });

  it("a dirty ledger's hint names the app, not <app>", async () => {
    const dir = knexProject('dirtyshop', SQLITE, 'migrations-dirty');
    const global = globalThis as { knexusDirtyFail?: boolean };
    global.knexusDirtyFail = true;
    try {
      expect((await runMain(['migrate', '--cwd', dir])).code).toBe(1);
    } finally {
      delete global.knexusDirtyFail;
    }
    const again = await runMainJson(['migrate', '--cwd', dir]);
    const error = again.json['apps']['dirtyshop'].error;
    expect(error.code).toBe('KNEXUS_ERR_LEDGER_DIRTY');
    expect(error.hint).toContain('knexus repair dirtyshop');
    expect(error.hint).not.toContain('<app>');
  });
});

describe('knexus down asks first and backs up first', () => {
  const root = mkdtempSync(join(tmpdir(), 'knexus-down-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses without a terminal and without --yes (exit 2, nothing changed); with --yes the backup plugin backs up before the rollback', async () => {
    cpSync(fixture('migrations-basic'), join(root, 'migrations'), { recursive: true });
    writeFileSync(
      join(root, 'registry.config.mjs'),
      `export default {
  pluginManager: { allowedRoots: [${JSON.stringify(join(BACKUP_PLUGIN, '..'))}] },
  plugins: { backup: { module: ${JSON.stringify(BACKUP_PLUGIN)}, config: { directory: './backups' } } },
  apps: { demo: { database: { client: 'better-sqlite3', connection: { filename: './demo.sqlite' } }, migrations: { directory: './migrations' } } },
};\n`,
    );
    expect((await runMain(['migrate', '--cwd', root])).code).toBe(0);
    const refused = await runMainJson(['down', 'demo', '--cwd', root]);
    expect(refused.code).toBe(2);
    expect(refused.json['error']).toMatchObject({ code: 'KNEXUS_ERR_CONFIRMATION_REQUIRED', appName: 'demo' });
    const status = await runMainJson(['status', '--cwd', root]);
    expect(status.json['apps']['demo'].migrations.applied).toHaveLength(3);
    expect(existsSync(join(root, 'backups'))).toBe(false);

    // On a terminal it asks; anything but yes changes nothing.
    const no = await runMain(['down', 'demo', '--cwd', root], { stdin: terminal('n\n') });
    expect(no.code).toBe(2);
    expect(no.stderr).toContain("Roll back every seed and migration of 'demo'");
    expect(no.stderr).toContain('the backup plugin backs the database up first');
    expect((await runMainJson(['status', '--cwd', root])).json['apps']['demo'].migrations.applied).toHaveLength(3);

    const done = await runMainJson(['down', 'demo', '--yes', '--cwd', root]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.json['apps']['demo'].result.migrations.rolledBack).toHaveLength(3);
    const backups = readdirSync(join(root, 'backups', 'demo'));
    expect(backups.some((name) => /before-rollback\.sqlite$/.test(name))).toBe(true);

    expect((await runMain(['migrate', '--cwd', root])).code).toBe(0);
    const yes = await runMain(['down', 'demo', '--cwd', root], { stdin: terminal('yes\n') });
    expect(yes.code, yes.stderr).toBe(0);
    expect((await runMainJson(['status', '--cwd', root])).json['apps']['demo'].migrations.applied).toHaveLength(0);
  });
});
