import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, docCommands, docFiles } from './support/doc-examples.js';
import { runMain, runMainJson } from './support/run-main.js';

/** The worked example of docs/coming-from-knex.md, run step by step: knex lines with the real knex CLI, knexus lines in process. */
const DOC = 'docs/coming-from-knex.md';
const KNEX_CLI = join(ROOT, 'node_modules/knex/bin/cli.js');

const NEXT_RELEASE = `export async function up(knex) {
  await knex.schema.createTable('release_notes', (t) => { t.increments('id'); t.text('body'); });
}
export async function down(knex) {
  await knex.schema.dropTable('release_notes');
}
`;

describe('docs/coming-from-knex.md worked example', () => {
  const dir = mkdtempSync(join(tmpdir(), 'knexus-coming-from-knex-'));
  const cwd = process.cwd();
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('knex migrate:latest, then knexus imports its history, applies only the new release, and status --check passes', async () => {
    const files = docFiles(DOC);
    expect(Object.keys(files)).toEqual(['semver-source.js', 'knexfile.mjs']);
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    cpSync(fileURLToPath(new URL('./fixtures/knex-semver/migrations', import.meta.url)), join(dir, 'migrations'), { recursive: true });

    const commands = docCommands(DOC);
    expect(commands.map((line) => line.split(' ')[0])).toEqual(['knex', 'knexus', '#', 'knexus', 'knexus', 'knexus']);
    const codes: number[] = [];
    process.chdir(dir);
    for (const line of commands) {
      const [tool, ...args] = line.split(' ');
      if (tool === '#') {
        writeFileSync(join(dir, 'migrations/2.11.0.js'), NEXT_RELEASE);
        continue;
      }
      if (tool === 'knex') {
        const run = spawnSync(process.execPath, [KNEX_CLI, ...args], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, NODE_ENV: 'development' },
        });
        expect(run.stdout).toContain('Batch 1 run: 4 migrations');
        codes.push(run.status ?? -1);
        // Before the import, status says what knex applied instead of only listing everything as pending.
        const before = await runMain(['status', '--knexfile', 'knexfile.mjs', '--env', 'development', '--app', 'shop']);
        expect(before.stdout).toContain("knex's ledger knex_migrations lists 4 applied migration(s)");
      } else {
        codes.push((await runMain(args)).code);
      }
    }
    expect(codes).toEqual([0, 0, 3, 0, 0]);

    // With no registry config, the knexfile in the working directory is found, as knex finds it (one app named after the folder).
    const found = await runMainJson(['status', '--env', 'development']);
    expect(Object.keys(found.json['apps'])).toEqual([basename(dir).replace(/[^A-Za-z0-9_-]/g, '_')]);
    const status = await runMainJson(['status', '--knexfile', 'knexfile.mjs', '--env', 'development', '--app', 'shop']);
    const applied = status.json['apps']['shop'].migrations.applied as { name: string; origin: string }[];
    expect(applied.map((entry) => [entry.name, entry.origin])).toEqual([
      ['2.2.3.js', 'imported'],
      ['2.2.17.js', 'imported'],
      ['2.9.1.js', 'imported'],
      ['2.10.0.js', 'imported'],
      ['2.11.0.js', 'run'],
    ]);
  });
});
