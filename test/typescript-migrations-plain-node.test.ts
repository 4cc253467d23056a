import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from './fixtures/cli/run-cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The shared module a real project's migrations import: types, and knex itself. */
const DB = `import knexFactory, { Knex } from 'knex';
export type DbConnection = Knex;
export const factory = knexFactory;
export function defaultColumns(table: Knex.CreateTableBuilder): void {
  table.string('id', 32).primary();
  table.bigInteger('updated_time').notNullable();
}
`;

const MIGRATION = (table: string) => `import { Knex } from 'knex';
import { DbConnection, defaultColumns, factory } from '../db';

interface Extra { readonly name: string; readonly nullable: boolean }
const extras: readonly Extra[] = [{ name: 'title', nullable: false }, { name: 'note', nullable: true }];

export const up = async (db: DbConnection): Promise<void> => {
  if (typeof factory !== 'function') throw new Error('../db did not load knex');
  await db.schema.createTable('${table}', (table: Knex.CreateTableBuilder) => {
    defaultColumns(table);
    for (const extra of extras) (extra.nullable ? table.string(extra.name).nullable() : table.string(extra.name).notNullable());
  });
};

export const down = async (db: DbConnection): Promise<void> => {
  await db.schema.dropTable('${table}');
};
`;

/** A TypeScript project (ES module or CommonJS package) with two migrations importing Knex and ../db. */
function project(type: 'module' | 'commonjs'): string {
  const dir = mkdtempSync(join(tmpdir(), `knexus-ts-${type}-`));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `ts-${type}`, type }));
  writeFileSync(join(dir, 'db.ts'), DB);
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'migrations', '20240101000000_notes.ts'), MIGRATION('ts_notes'));
  writeFileSync(join(dir, 'migrations', '20240102000000_tags.ts'), MIGRATION('ts_tags'));
  writeFileSync(
    join(dir, type === 'module' ? 'knexfile.js' : 'knexfile.cjs'),
    `${type === 'module' ? 'export default' : 'module.exports ='} { client: 'better-sqlite3', connection: { filename: './dev.sqlite' }, useNullAsDefault: true };\n`,
  );
  return dir;
}

describe('TypeScript migrations under plain Node (no loader of the process): loaded by tsx in its own namespace', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.for(['module', 'commonjs'] as const)('a %s package: migrate applies them, rollback undoes them', async (type) => {
    const dir = project(type);
    dirs.push(dir);
    const migrate = await spawnCli(['migrate', '--json'], { cwd: dir });
    expect(migrate.code, migrate.stderr + migrate.stdout).toBe(0);
    expect(JSON.parse(migrate.stdout).apps[`ts-${type}`].result.applied).toEqual(['20240101000000_notes.ts', '20240102000000_tags.ts']);
    const rollback = await spawnCli(['rollback', '--json'], { cwd: dir });
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(JSON.parse(rollback.stdout).apps[`ts-${type}`].result.rolledBack).toEqual(['20240102000000_tags.ts', '20240101000000_notes.ts']);
  });
});
