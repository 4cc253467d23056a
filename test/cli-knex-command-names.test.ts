import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './support/databases.js';
import { useDatabase } from './support/use-database.js';
import { runMain, runMainJson } from './support/run-main.js';

/** The one app's entry of a command's JSON document. */
const only = (json: Record<string, any>): any => Object.values(json['apps'] as Record<string, unknown>)[0];

const MIGRATIONS = fileURLToPath(new URL('./fixtures/migrations-basic', import.meta.url));

describe.each(DIALECTS)("knex's command names and flags (%s)", (dialect) => {
  const db = useDatabase(dialect);
  const dir = mkdtempSync(join(tmpdir(), 'knexus-knex-words-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrate:up, migrate:status, migrate:latest, migrate:down, migrate:rollback --all run as their knexus twins', async () => {
    cpSync(MIGRATIONS, join(dir, 'db/migrations'), { recursive: true });
    writeFileSync(join(dir, 'knexfile.mjs'), `export default { ...${JSON.stringify(db.config())}, useNullAsDefault: true };\n`);
    // knex's --migrations-directory replaces the (absent) ./migrations folder.
    const base = ['--cwd', dir, '--migrations-directory', 'db/migrations'];
    const up = await runMainJson(['migrate:up', ...base]);
    expect(up.code, up.stdout).toBe(0);
    expect(only(up.json).result.applied).toEqual(['001_users.mjs']);
    const upTo = await runMainJson(['migrate:up', '002_posts', ...base]);
    expect(only(upTo.json).result.applied).toEqual(['002_posts.mjs']);
    const status = await runMainJson(['migrate:status', ...base]);
    expect(only(status.json).migrations.pending).toEqual(['003_tags.mjs']);
    const latest = await runMainJson(['migrate:latest', ...base]);
    expect(only(latest.json).result.applied).toEqual(['003_tags.mjs']);
    const down = await runMainJson(['migrate:down', ...base]);
    expect(only(down.json).result.rolledBack).toEqual(['003_tags.mjs']);
    const all = await runMainJson(['migrate:rollback', '--all', ...base]);
    expect(only(all.json).result.rolledBack).toEqual(['002_posts.mjs', '001_users.mjs']);
  });
});

describe("knex's words without a database", () => {
  const dir = mkdtempSync(join(tmpdir(), 'knexus-knex-words-make-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a typo gets a "did you mean"; help maps knex commands to knexus ones', async () => {
    const typo = await runMainJson(['migrate:lates']);
    expect(typo.code).toBe(2);
    expect(typo.json['error'].message).toContain("did you mean 'migrate:latest'?");
    expect((await runMainJson(['stauts'])).json['error'].message).toContain("did you mean 'status'?");
    const help = await runMain(['--help']);
    expect(help.stdout).toMatch(/knex migrate:latest\s+knexus migrate/);
    expect(help.stdout).toMatch(/knex seed:run\s+knexus seed/);
    expect((await runMain(['migrate:latest', '--help'])).stdout).toContain('Usage: knexus migrate');
  });

  it('migrate:make and seed:make write files with the knexfile extension, its stub, and the package module type', async () => {
    mkdirSync(join(dir, 'migrations'));
    mkdirSync(join(dir, 'seeds'));
    writeFileSync(join(dir, 'package.json'), '{ "name": "legacy-shop" }\n');
    writeFileSync(join(dir, 'seed.stub'), '// our seed stub\n');
    writeFileSync(
      join(dir, 'knexfile.cjs'),
      "module.exports = { client: 'better-sqlite3', connection: { filename: './x.sqlite' }, migrations: { extension: 'js' }, seeds: { stub: './seed.stub' } };\n",
    );
    const made = await runMainJson(['migrate:make', 'add_links', '--cwd', dir]);
    expect(made.code, made.stdout).toBe(0);
    const [file] = readdirSync(join(dir, 'migrations'));
    expect(file).toMatch(/^\d{14}_add_links\.js$/);
    // A CommonJS package (no "type": "module"): exports.up, never `export`.
    const source = readFileSync(join(dir, 'migrations', file as string), 'utf8');
    expect(source).toContain('exports.up = ');
    expect(source).not.toMatch(/^export /m);
    expect((await runMainJson(['seed:make', 'users', '--cwd', dir])).code).toBe(0);
    const [seed] = readdirSync(join(dir, 'seeds'));
    expect(readFileSync(join(dir, 'seeds', seed as string), 'utf8')).toBe('// our seed stub\n');
  });
});
