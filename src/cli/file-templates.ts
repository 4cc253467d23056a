/** Kinds of file `make:migration` and `make:seed` write. */
export const TEMPLATE_KINDS = ['migration', 'seed'] as const;
/** A kind of generated file. */
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

const TEMPLATES: Readonly<Record<TemplateKind, string>> = {
  migration: `import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // await knex.schema.createTable('things', (table) => {
  //   table.increments('id');
  //   table.string('name').notNullable();
  //   table.timestamps(true, true);
  // });
}

export async function down(knex: Knex): Promise<void> {
  // Undo exactly what up() did, so \`knexus rollback\` works:
  // await knex.schema.dropTable('things');
}
`,
  seed: `import type { Knex } from 'knex';

export async function seed(knex: Knex): Promise<void> {
  // await knex('things').insert([{ name: 'first' }]);
}

export async function unseed(knex: Knex): Promise<void> {
  // Remove what seed() inserted, so \`knexus rollback --seeds\` and \`knexus down\` can undo it:
  // await knex('things').whereIn('name', ['first']).delete();
}
`,
};

/**
 * The source of a new migration or seed file: TypeScript by default; `js`/`mjs` drop the types,
 * `cjs` (and `js` in a package without `"type": "module"`) uses `exports.up = …`, as a CommonJS knex project's files do.
 */
export function fileTemplate(
  kind: TemplateKind,
  extension: 'ts' | 'js' | 'mjs' | 'cjs' = 'ts',
  modules: 'esm' | 'cjs' = extension === 'cjs' ? 'cjs' : 'esm',
): string {
  const typed = TEMPLATES[kind];
  if (extension === 'ts') return typed;
  const untyped = typed.replace("import type { Knex } from 'knex';\n\n", '').replace(/\(knex: Knex\): Promise<void>/g, '(knex)');
  if (modules === 'esm') return `/** @param {import('knex').Knex} knex */\n${untyped}`;
  return untyped.replace(/export async function (\w+)\(knex\)/g, 'exports.$1 = async function $1(knex)').replace(/\n}\n/g, '\n};\n');
}

/** A sortable UTC timestamp for file names, `YYYYMMDDHHmmss` (the format knex uses). */
export function fileTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}
