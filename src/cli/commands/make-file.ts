import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { loadKnexfile } from '../../knexfile/load-knexfile.js';
import { isPlainObject } from '../../util/safe-copy.js';
import { isFile } from '../../util/path-kind.js';
import { MAKE_EXTENSIONS, type MakeExtension } from '../cli-args.js';
import { KnexusError } from '../../errors.js';
import type { ConfiguredApp } from '../../config/validate-config.js';
import { EXIT_CODES, type ExitCode } from '../exit-codes.js';
import { fileTemplate, fileTimestamp, type TemplateKind } from '../file-templates.js';
import type { CommandContext } from './command-context.js';

/**
 * `knexus make:migration <name> [--app] [-x ext]` and `knexus make:seed <name> [--app] [-x ext]`: write a timestamped
 * template (TypeScript, or js/mjs/cjs with -x) into the app's first migrations (or seeds) directory. Touches no database.
 */
export async function makeFile(ctx: CommandContext, kind: TemplateKind): Promise<ExitCode> {
  const { args, output, loaded } = ctx;
  const app = pickApp(ctx);
  const section = kind === 'migration' ? 'migrations' : 'seeds';
  const directory = app.resolved[section].directories[0];
  if (directory === undefined) {
    throw new KnexusError(
      'KNEXUS_ERR_USAGE',
      `App '${app.name}' has no ${section} directory: set apps.${app.name}.${section}.directory in ${loaded.file}`,
      {
        appName: app.name,
        field: `apps.${app.name}.${section}.directory`,
        configFile: loaded.file,
      },
    );
  }
  const name = fileStem(args.name ?? '');
  const knexfile = await knexfileMakeSettings(loaded.file, section, args.env);
  const extension = args.extension ?? knexfile.extension ?? 'ts';
  const stub = args.stub ?? knexfile.stub;
  const source =
    stub === undefined ? fileTemplate(kind, extension, moduleKind(directory, extension)) : readStub(stub, dirname(loaded.file), app.name);
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${fileTimestamp()}_${name}.${extension}`);
  try {
    // 'wx': never overwrite a file that may already be applied somewhere.
    writeFileSync(file, source, { flag: 'wx' });
  } catch (error) {
    throw new KnexusError('KNEXUS_ERR_USAGE', `Could not create ${file}: ${(error as Error).message}`, { appName: app.name, file }, error);
  }
  output.document({ ok: true, command: `make:${kind}`, configFile: loaded.file, app: app.name, file });
  output.info(`created ${relative(process.cwd(), file) || file} (app ${app.name})`);
  return EXIT_CODES.ok;
}

/** The knexfile's `extension` and `stub` for this section (knex's make settings); none for a registry config. */
async function knexfileMakeSettings(
  file: string,
  section: 'migrations' | 'seeds',
  environment: string | undefined,
): Promise<{ extension?: MakeExtension; stub?: string }> {
  if (!/^knexfile\.[cm]?[jt]s$/.test(basename(file))) return {};
  const { settings } = await loadKnexfile(file, environment);
  const own = settings[section];
  if (!isPlainObject(own)) return {};
  const out: { extension?: MakeExtension; stub?: string } = {};
  if (typeof own['extension'] === 'string' && (MAKE_EXTENSIONS as readonly string[]).includes(own['extension']))
    out.extension = own['extension'] as MakeExtension;
  if (typeof own['stub'] === 'string') out.stub = resolve(dirname(file), own['stub']);
  return out;
}

/** `.js` files are ES modules only in a package with `"type": "module"`; `.mjs`/`.ts` always are, `.cjs` never. */
function moduleKind(directory: string, extension: MakeExtension): 'esm' | 'cjs' {
  if (extension === 'cjs') return 'cjs';
  if (extension !== 'js') return 'esm';
  const pkg = nearest(directory, 'package.json');
  if (pkg === undefined) return 'cjs';
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module' ? 'esm' : 'cjs';
  } catch {
    return 'cjs';
  }
}

function nearest(directory: string, name: string): string | undefined {
  for (let dir = resolve(directory); ; dir = dirname(dir)) {
    if (isFile(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}

function readStub(stub: string, baseDir: string, appName: string): string {
  const path = resolve(baseDir, stub);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new KnexusError(
      'KNEXUS_ERR_USAGE',
      `Could not read the stub ${path}: ${(error as Error).message}`,
      { appName, file: path, field: 'migrations.stub' },
      error,
    );
  }
}

function pickApp(ctx: CommandContext): ConfiguredApp {
  const { args, loaded } = ctx;
  const apps = loaded.apps;
  if (args.app !== undefined) {
    const app = apps.find((a) => a.name === args.app);
    if (app === undefined) {
      throw new KnexusError(
        'KNEXUS_ERR_USAGE',
        `No app '${args.app}' in ${loaded.file} (configured apps: ${apps.map((a) => a.name).join(', ') || 'none'})`,
      );
    }
    return app;
  }
  const [only, ...others] = apps;
  if (only === undefined) throw new KnexusError('KNEXUS_ERR_USAGE', `${loaded.file} configures no app`);
  if (others.length > 0)
    throw new KnexusError('KNEXUS_ERR_USAGE', `Several apps are configured (${apps.map((a) => a.name).join(', ')}): pass --app <name>`);
  return only;
}

/** `Add posts.slug` → `add_posts_slug`: safe in every file system and sorted after the timestamp. */
function fileStem(name: string): string {
  const stem = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (stem.length === 0) throw new KnexusError('KNEXUS_ERR_USAGE', `'${name}' is not a usable file name: use letters, digits and _`);
  return stem;
}
