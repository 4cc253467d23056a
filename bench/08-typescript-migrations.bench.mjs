/**
 * (8) Importing TypeScript migrations in a fresh process, as knexus does (`importFile`: native import
 * first, then its TypeScript loader: tsx's namespaced `register` from `tsx/esm/api`), against jiti (the
 * loader knexus used before) and against tsx registered once as the process's loader, as
 * `node --import tsx` does. Two folders: 40 small generated migrations, and one shaped like a real
 * project's (Joplin Server's 38): ~40 files of 20–150 lines of schema-builder calls, each importing
 * `Knex` from knex and helpers from a shared `../db` module that itself imports knex. Cold runs start
 * with every loader's disk cache empty; warm runs keep it. The time counts from before the loader is
 * loaded to the last module's `up` being a function.
 * Target: cold and warm ≤ 1.2× tsx.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QUICK, alternate, check, metric, report } from './harness.mjs';

const FILES = QUICK ? 10 : 40;
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'knexus-bench-ts-'));
// An ES module project, as most TypeScript projects are, with knex installed (its migrations and ../db import it).
writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));

/** The small generated migrations: one table each, a typed column list. */
function smallMigration(i) {
  return `import type { Knex } from 'knex';

interface Column { readonly name: string; readonly kind: 'string' | 'integer'; readonly nullable?: boolean }
const columns: readonly Column[] = [{ name: 'title', kind: 'string' }, { name: 'rank', kind: 'integer', nullable: true }];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('table_${i}', (t: Knex.CreateTableBuilder) => {
    t.increments('id');
    for (const column of columns) {
      const built = column.kind === 'string' ? t.string(column.name) : t.integer(column.name);
      if (column.nullable !== true) built.notNullable();
    }
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('table_${i}');
}
`;
}

/**
 * A service module of the app, as `../db` drags them in (Joplin's db.ts imports its models and utils):
 * a class, an enum, typed helpers.
 */
function serviceModule(k) {
  const methods = Array.from(
    { length: 8 },
    (_, m) => `
  public async find${m}(id: string, options: FindOptions = {}): Promise<Row${k} | null> {
    const query = this.db<Row${k}>('table_${k}').where({ id });
    if (options.limit !== undefined) query.limit(options.limit);
    const rows: Row${k}[] = await query;
    return rows.length > 0 ? { ...rows[0], kind: Kind${k}.Item${m % 3} } as Row${k} : null;
  }`,
  ).join('\n');
  return `import type { Knex } from 'knex';
${k > 0 ? `import { Kind${k - 1} } from './service-${k - 1}';\n` : ''}
export enum Kind${k} { Item0 = 'item0', Item1 = 'item1', Item2 = 'item2' }
export interface FindOptions { readonly limit?: number; readonly fields?: readonly string[] }
export interface Row${k} { readonly id: string; readonly kind: Kind${k}; readonly updated_time: number }

export class Service${k}<T extends Row${k} = Row${k}> {
  private readonly db: Knex;
  public constructor(db: Knex) { this.db = db; }
${methods}
}
${k > 0 ? `export const previous${k}: Kind${k - 1} = Kind${k - 1}.Item0;\n` : ''}`;
}
const SERVICES = 16;

/** The shared module real projects' migrations import (Joplin's `../db`): types, helpers, the app's services, and knex itself. */
const DB_MODULE = `import knexFactory, { Knex } from 'knex';
${Array.from({ length: SERVICES }, (_, k) => `import { Service${k} } from './services/service-${k}';`).join('\n')}

export const services = [${Array.from({ length: SERVICES }, (_, k) => `Service${k}`).join(', ')}];

export type DbConnection = Knex;
export interface DbConfig { readonly client: string; readonly connection: Knex.StaticConnectionConfig | string }
export enum Uuid { Length = 32 }

export function connect(config: DbConfig): DbConnection {
  return knexFactory({ client: config.client, connection: config.connection, useNullAsDefault: true });
}

export function defaultColumns(table: Knex.CreateTableBuilder): void {
  table.string('id', Uuid.Length).primary();
  table.bigInteger('updated_time').notNullable();
  table.bigInteger('created_time').notNullable();
}

export async function isPostgres(db: DbConnection): Promise<boolean> {
  return db.client.config.client === 'pg';
}
`;

/** A migration as a real project has them: 20–150 lines of schema-builder calls, importing Knex and ../db. */
function projectMigration(i) {
  const columns = 4 + ((i * 7) % 28);
  const lines = [];
  for (let c = 0; c < columns; c++) {
    const kind = ['string', 'integer', 'bigInteger', 'text', 'boolean'][c % 5];
    lines.push(
      `    table.${kind}('col_${c}'${kind === 'string' ? ', 128' : ''})${c % 3 === 0 ? '.notNullable()' : '.nullable()'}${c % 4 === 0 ? `.defaultTo(${kind === 'boolean' ? 'false' : kind === 'text' || kind === 'string' ? "''" : '0'})` : ''};`,
    );
  }
  const indexes = [];
  for (let c = 0; c < columns; c += 5) indexes.push(`    table.index(['col_${c}'], 'item_${i}_col_${c}_index');`);
  return `import { Knex } from 'knex';
import { DbConnection, defaultColumns, isPostgres } from '../db';

interface Change { readonly table: string; readonly column: string; readonly nullable: boolean }

const changes: readonly Change[] = [
${Array.from({ length: 1 + (i % 6) }, (_, k) => `  { table: 'items_${i}', column: 'extra_${k}', nullable: ${k % 2 === 0} },`).join('\n')}
];

export const up = async (db: DbConnection): Promise<void> => {
  await db.schema.createTable('items_${i}', (table: Knex.CreateTableBuilder) => {
    defaultColumns(table);
${lines.join('\n')}
${indexes.join('\n')}
  });
  for (const change of changes) {
    await db.schema.alterTable(change.table, (table: Knex.AlterTableBuilder) => {
      const column = table.string(change.column, 64);
      if (!change.nullable) column.notNullable().defaultTo('');
    });
  }
  if (await isPostgres(db)) await db.raw('ALTER TABLE items_${i} ALTER COLUMN col_1 SET STATISTICS 100');
};

export const down = async (db: DbConnection): Promise<void> => {
  await db.schema.dropTable('items_${i}');
};
`;
}

/** Writes `count` migrations made by `make` into `<work>/<shape>/migrations`; resolves with their paths. */
function writeShape(shape, make, extra = {}) {
  const dir = join(work, shape, 'migrations');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(work, shape, 'package.json'), '{ "type": "module" }');
  mkdirSync(join(work, shape, 'services'), { recursive: true });
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(work, shape, name), text);
  return Array.from({ length: FILES }, (_, i) => {
    const file = join(dir, `${String(i).padStart(3, '0')}_${shape}_${i}.ts`);
    writeFileSync(file, make(i));
    return file;
  });
}

const shapes = {
  small: writeShape('small', smallMigration),
  project: writeShape('project', projectMigration, {
    'db.ts': DB_MODULE,
    ...Object.fromEntries(Array.from({ length: SERVICES }, (_, k) => [`services/service-${k}.ts`, serviceModule(k)])),
  }),
};

const loaders = {
  // What knexus's importFile does for a .ts file under plain Node: native import() refuses it, then
  // tsx's loader in its own namespace (the rest of the process keeps Node's loader).
  knexus: `const parent = ${JSON.stringify(pathToFileURL(join(root, 'dist/src/index.js')).href)};
           let api;
           const load = (file) => import(file).catch(async () => {
             api ??= (await import('tsx/esm/api')).register({ namespace: 'knexus' });
             return api.import('file://' + file, parent);
           });`,
  // What knexus did before: jiti.
  jiti: `const { createJiti } = await import('jiti');
         const jiti = createJiti(${JSON.stringify(pathToFileURL(join(root, 'dist/src/index.js')).href)});
         const load = (file) => import(file).catch(() => jiti.import(file));`,
  tsx: `const { register } = await import('tsx/esm/api');
        register();
        const load = (file) => import(file);`,
};

function importAll(loader, files, env) {
  const script = `const started = performance.now();
    ${loaders[loader]}
    let ok = 0;
    for (const file of ${JSON.stringify(files)}) if (typeof (await load(file)).up === 'function') ok++;
    console.log(JSON.stringify({ ok, ms: performance.now() - started }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${loader} exited ${run.status}: ${run.stderr}`);
  const { ok, ms } = JSON.parse(run.stdout.trim().split('\n').pop());
  check(ok === files.length, `${loader} loaded all ${files.length} migrations (${ok})`);
  return ms;
}

// jiti and tsx both keep their transform caches under os.tmpdir() (<tmp>/jiti, <tmp>/tsx-<uid>); JITI_FS_CACHE is
// only an on/off switch. A private TMPDIR per run is emptied for cold runs and kept for warm ones.
const cacheDir = join(work, 'loader-caches');
const CACHE_ENV = { TMPDIR: cacheDir };
const cold = (loader, files) => () => {
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  return importAll(loader, files, CACHE_ENV);
};
const warm = (loader, files) => () => importAll(loader, files, CACHE_ENV);

const metrics = [];
for (const [shape, files] of Object.entries(shapes)) {
  const samples = await alternate(
    ['tsx', 'knexus', 'jiti'].flatMap((loader) => [
      { name: `${loader} cold`, run: cold(loader, files) },
      { name: `${loader} warm`, run: warm(loader, files) },
    ]),
    { rounds: QUICK ? 1 : 5, warmup: 1 },
  );
  const against = (name) => ({ baseline: { name: `tsx ${name}`, samples: samples[`tsx ${name}`] } });
  metrics.push(
    metric(`${shape}: knexus, cold cache`, 'ms', samples['knexus cold'], { ...against('cold'), target: 1.2 }),
    metric(`${shape}: knexus, warm cache`, 'ms', samples['knexus warm'], { ...against('warm'), target: 1.2 }),
    metric(`${shape}: jiti (before), cold cache`, 'ms', samples['jiti cold'], against('cold')),
    metric(`${shape}: jiti (before), warm cache`, 'ms', samples['jiti warm'], against('warm')),
  );
}
rmSync(work, { recursive: true, force: true });
report(`importing ${FILES} TypeScript migrations in a fresh process (small ones, and a real project's shape)`, metrics);
