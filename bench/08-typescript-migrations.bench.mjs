/**
 * (8) Importing 40 TypeScript migrations in a fresh process, as knexus does (`importFile`: native
 * import first, then its TypeScript loader, jiti), against tsx (esbuild) registered once as the process's
 * loader, as `node --import tsx` does: cold (empty disk
 * cache) and warm (cache filled). The time counts from before the loader is loaded to the last
 * module's `up` being a function.
 * Target: cold ≤ 1.2× tsx.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QUICK, alternate, check, metric, report } from './harness.mjs';

const FILES = QUICK ? 10 : 40;
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'knexus-bench-ts-'));
const dir = join(work, 'migrations');
mkdirSync(dir);
// An ES module project, as most TypeScript projects are.
writeFileSync(join(work, 'package.json'), '{ "type": "module" }');
const files = [];
for (let i = 0; i < FILES; i++) {
  const file = join(dir, `${String(i).padStart(3, '0')}_table_${i}.ts`);
  writeFileSync(
    file,
    `import type { Knex } from 'knex';

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
`,
  );
  files.push(file);
}

const loaders = {
  // What knexus's importFile does for a .ts file under plain Node: native import() refuses it, then jiti.
  knexus: `const { createJiti } = await import('jiti');
           const jiti = createJiti(${JSON.stringify(pathToFileURL(join(root, 'dist/src/index.js')).href)});
           const load = (file) => import(file).catch(() => jiti.import(file));`,
  tsx: `const { register } = await import('tsx/esm/api');
        register();
        const load = (file) => import(file);`,
};

function importAll(loader, env) {
  const script = `const started = performance.now();
    ${loaders[loader]}
    let ok = 0;
    for (const file of ${JSON.stringify(files)}) if (typeof (await load(file)).up === 'function') ok++;
    console.log(JSON.stringify({ ok, ms: performance.now() - started }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${loader} exited ${run.status}: ${run.stderr}`);
  const { ok, ms } = JSON.parse(run.stdout.trim().split('\n').pop());
  check(ok === FILES, `${loader} loaded all ${FILES} migrations (${ok})`);
  return ms;
}

const jitiCache = join(work, 'jiti-cache');
const tsxCache = join(work, 'tsx-cache');
const cold = (loader) => () => {
  // An empty disk cache for each cold run.
  rmSync(loader === 'knexus' ? jitiCache : tsxCache, { recursive: true, force: true });
  return importAll(loader, loader === 'knexus' ? { JITI_FS_CACHE: jitiCache } : { TSX_DISABLE_CACHE: '1' });
};
const warm = (loader) => () => importAll(loader, loader === 'knexus' ? { JITI_FS_CACHE: jitiCache } : {});
const samples = await alternate(
  [
    { name: 'tsx cold', run: cold('tsx') },
    { name: 'knexus cold', run: cold('knexus') },
    { name: 'tsx warm', run: warm('tsx') },
    { name: 'knexus warm', run: warm('knexus') },
  ],
  { rounds: QUICK ? 1 : 5, warmup: 1 },
);
rmSync(work, { recursive: true, force: true });
report(`importing ${FILES} TypeScript migrations in a fresh process`, [
  metric('cold cache', 'ms', samples['knexus cold'], { baseline: { name: 'tsx', samples: samples['tsx cold'] }, target: 1.2 }),
  metric('warm cache', 'ms', samples['knexus warm'], { baseline: { name: 'tsx', samples: samples['tsx warm'] } }),
]);
