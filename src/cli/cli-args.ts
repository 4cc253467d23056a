import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KnexusError, errorMessage } from '../errors.js';
import { fleetArgs, type FleetArgs } from './fleet-args.js';
import { KNEX_COMMANDS, closest, isKnexCommand, type KnexCommandName } from './knex-command-names.js';

/** The `knexus` commands. */
export const COMMANDS = [
  'up',
  'status',
  'migrate',
  'rollback',
  'seed',
  'down',
  'baseline',
  'repair',
  'plugins',
  'tenants',
  'make:migration',
  'make:seed',
  'help',
] as const;
/** A `knexus` command. */
export type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  knexfile: { type: 'string' },
  env: { type: 'string' },
  url: { type: 'string' },
  // knex's own flags and knexus's safety net for `down`.
  'migrations-directory': { type: 'string' },
  'migrations-table-name': { type: 'string' },
  cwd: { type: 'string' },
  stub: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  once: { type: 'boolean' },
  check: { type: 'boolean' },
  plugins: { type: 'boolean' },
  'from-knex': { type: 'boolean' },
  extension: { type: 'string', short: 'x' },
  to: { type: 'string' },
  step: { type: 'string' },
  all: { type: 'boolean' },
  seeds: { type: 'boolean' },
  app: { type: 'string' },
  migration: { type: 'string' },
  seed: { type: 'string' },
  resolution: { type: 'string' },
  tenants: { type: 'boolean' },
  canary: { type: 'string' },
  concurrency: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;

const GLOBAL_OPTIONS: readonly OptionName[] = ['config', 'json', 'quiet', 'verbose', 'help', 'version', 'knexfile', 'env', 'url', 'app'];
/** knex's global flags, accepted by every command as knex accepts them. */
const KNEX_GLOBAL_OPTIONS: readonly OptionName[] = ['migrations-directory', 'migrations-table-name', 'cwd'];

/** Extensions `make:migration -x` writes. */
export const MAKE_EXTENSIONS = ['ts', 'js', 'mjs', 'cjs'] as const;
/** An extension `make:migration -x` writes. */
export type MakeExtension = (typeof MAKE_EXTENSIONS)[number];

/** Options each command accepts besides the global ones, and how many positionals it takes. */
const COMMAND_SHAPES: Readonly<Record<CommandName, { options: readonly OptionName[]; positionals: readonly string[]; required: number }>> =
  {
    up: { options: ['once'], positionals: [], required: 0 },
    status: { options: ['check', 'tenants'], positionals: ['app'], required: 0 },
    migrate: { options: ['to', 'step', 'plugins', 'tenants', 'canary', 'concurrency'], positionals: ['app'], required: 0 },
    rollback: { options: ['step', 'all', 'seeds', 'to', 'plugins', 'tenants', 'canary', 'concurrency'], positionals: ['app'], required: 0 },
    seed: { options: ['plugins'], positionals: ['app'], required: 0 },
    down: { options: ['plugins', 'yes'], positionals: ['app'], required: 0 },
    baseline: { options: ['to', 'from-knex', 'plugins'], positionals: ['app'], required: 0 },
    repair: { options: ['migration', 'seed', 'resolution'], positionals: ['app'], required: 1 },
    plugins: { options: [], positionals: [], required: 0 },
    tenants: { options: ['to', 'plugins'], positionals: ['action', 'tenant'], required: 2 },
    'make:migration': { options: ['extension', 'stub'], positionals: ['name'], required: 1 },
    'make:seed': { options: ['extension', 'stub'], positionals: ['name'], required: 1 },
    help: { options: [], positionals: ['command'], required: 0 },
  };

/** A parsed `knexus` command line. */
export interface CliArgs {
  readonly command: CommandName;
  /** The app named on the command line (positional, or `--app` for make:*), if any. */
  readonly app: string | undefined;
  /** The file name given to make:migration / make:seed, the command given to help, or the tenant `tenants move` moves. */
  readonly name: string | undefined;
  readonly config: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly once: boolean;
  /** `--knexfile <file>`: the app comes from a knexfile (named after its folder, or `--app`). */
  readonly knexfile: string | undefined;
  /** `--env <name>`: the knexfile environment. */
  readonly env: string | undefined;
  /** `--url <connection string>`: replaces the connection of the one target app. */
  readonly url: string | undefined;
  /** `status --check`: exit 1 when anything is pending or drifted. */
  readonly check: boolean;
  /** One-shot commands load the configured plugins only with `--plugins`. */
  readonly plugins: boolean;
  /** `baseline --from-knex`. */
  readonly fromKnex: boolean;
  /** `make:migration -x`: file extension; default the knexfile's `migrations.extension`, else `ts` (or `js` in a plain-JavaScript project). */
  readonly extension: MakeExtension | undefined;
  /** `make:* --stub <file>`: the template to copy (knex's `stub`); default the knexfile's, else knexus's own. */
  readonly stub: string | undefined;
  /** The knex command name typed (`migrate:latest`…), when one was. */
  readonly knexCommand: KnexCommandName | undefined;
  /** knex's `--migrations-directory`: replaces the app's migrations folder. */
  readonly migrationsDirectory: string | undefined;
  /** knex's `--migrations-table-name`: knex's own ledger table (read for imports, written by `knexLedger: 'mirror'`). */
  readonly migrationsTableName: string | undefined;
  /** knex's `--cwd`: the folder config files are looked for from. */
  readonly cwd: string | undefined;
  /** `down --yes`: no confirmation question. */
  readonly yes: boolean;
  readonly to: string | undefined;
  readonly step: number | undefined;
  readonly all: boolean;
  readonly seeds: boolean;
  /** repair: the dirty migration or seed file, and how it was settled. */
  readonly migration: string | undefined;
  readonly seed: string | undefined;
  readonly resolution: 'applied' | 'rolled-back' | undefined;
  /** `--tenants`, `--canary N`, `--concurrency N`: the command runs over the config's tenant fleet (see fleet-args.ts). */
  readonly tenants: FleetArgs | undefined;
}

/** Parses `argv` (without node and the script); throws KNEXUS_ERR_USAGE for anything it cannot make sense of. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usage(errorMessage(error).replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  const [typed, ...typedRest] = positionals;
  const help = values.help === true;
  const { first, rest, knexCommand } = fromKnexWords(typed, typedRest, values);
  if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) {
    const suggestion = closest(first, [...COMMANDS, ...Object.keys(KNEX_COMMANDS)]);
    throw usage(
      `Unknown command '${first}'${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}; commands: ${COMMANDS.join(', ')}, and knex's ${Object.keys(KNEX_COMMANDS).join(', ')}`,
    );
  }
  // No command at all prints the help, as `knex` does.
  const command: CommandName = (first as CommandName | undefined) ?? 'help';
  const shape = COMMAND_SHAPES[command];
  for (const [key, value] of Object.entries(values)) {
    if (
      value === undefined ||
      GLOBAL_OPTIONS.includes(key as OptionName) ||
      KNEX_GLOBAL_OPTIONS.includes(key as OptionName) ||
      shape.options.includes(key as OptionName)
    )
      continue;
    throw usage(`Option --${key} does not apply to '${command}'`);
  }
  if (rest.length > shape.positionals.length)
    throw usage(`Too many arguments for '${command}': ${rest.slice(shape.positionals.length).join(' ')}`);
  if (!help && rest.length < shape.required) throw usage(`'${command}' needs <${shape.positionals.slice(0, shape.required).join('> <')}>`);
  const step = values.step === undefined ? undefined : positiveInteger(values.step, '--step');
  if (step !== undefined && values.all === true) throw usage('Give --step or --all, not both');
  if (command === 'rollback' && values.to !== undefined && (step !== undefined || values.all === true || values.seeds === true)) {
    throw usage('rollback --to names one migration: give it without --step, --all or --seeds');
  }
  if (command === 'baseline' && !help && (values.to === undefined) === (values['from-knex'] !== true)) {
    throw usage("'baseline' needs --to <name> (mark up to it applied) or --from-knex (import knex's ledger), one of them");
  }
  const extension = values.extension;
  if (extension !== undefined && !(MAKE_EXTENSIONS as readonly string[]).includes(extension))
    throw usage(`-x must be one of ${MAKE_EXTENSIONS.join(', ')}, got '${extension}'`);
  if (command === 'tenants' && !help) {
    if (rest[0] !== 'move') throw usage(`Unknown tenants action '${rest[0]}': use 'knexus tenants move <tenant> --to <server>'`);
    if (values.to === undefined) throw usage("'tenants move' needs --to <server>");
  }
  const positionalApp =
    command === 'help' || command === 'make:migration' || command === 'make:seed' || command === 'tenants' ? undefined : rest[0];
  if (positionalApp !== undefined && values.app !== undefined && positionalApp !== values.app)
    throw usage(`Two apps named: '${positionalApp}' and --app '${values.app}'`);
  if (!help && (command === 'down' || command === 'baseline') && positionalApp === undefined && values.app === undefined)
    throw usage(`'${command}' needs <app>`);

  const resolution = values.resolution;
  if (resolution !== undefined && resolution !== 'applied' && resolution !== 'rolled-back') {
    throw usage(`--resolution must be 'applied' or 'rolled-back', got '${resolution}'`);
  }
  const isMake = command === 'make:migration' || command === 'make:seed';
  return {
    command,
    app: isMake ? values.app : command === 'help' ? undefined : (positionalApp ?? values.app),
    name: isMake || command === 'help' ? rest[0] : command === 'tenants' ? rest[1] : undefined,
    config: values.config,
    json: values.json === true,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    help,
    version: values.version === true,
    once: values.once === true,
    knexfile: values.knexfile,
    env: values.env,
    url: values.url,
    check: values.check === true,
    plugins: values.plugins === true,
    fromKnex: values['from-knex'] === true,
    extension: extension as MakeExtension | undefined,
    stub: values.stub,
    knexCommand,
    migrationsDirectory: values['migrations-directory'],
    migrationsTableName: values['migrations-table-name'],
    cwd: values.cwd,
    yes: values.yes === true,
    to: values.to,
    step,
    all: values.all === true,
    seeds: values.seeds === true,
    migration: values.migration,
    seed: values.seed,
    resolution,
    tenants: fleetArgs(values, positiveInteger),
  };
}

/**
 * knex's command names as the knexus command they mean: `migrate:up [name]` applies the next migration
 * (or up to <name>), `migrate:down` undoes the last one; the other names take the same arguments.
 */
function fromKnexWords(
  typed: string | undefined,
  rest: string[],
  values: { step?: string | undefined; to?: string | undefined },
): { first: string | undefined; rest: string[]; knexCommand: KnexCommandName | undefined } {
  if (typed === undefined || !isKnexCommand(typed)) return { first: typed, rest, knexCommand: undefined };
  const first = KNEX_COMMANDS[typed];
  if (typed === 'migrate:up' || typed === 'migrate:down') {
    const [name, ...others] = rest;
    if (typed === 'migrate:down' && name !== undefined) {
      throw usage(
        `knexus undoes migrations newest first: 'migrate:down ${name}' is 'knexus rollback <app> --to ${name}' (which also undoes every migration after it)`,
      );
    }
    if (name !== undefined) values.to = name;
    else values.step ??= '1';
    return { first, rest: others, knexCommand: typed };
  }
  return { first, rest, knexCommand: typed };
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw usage(`${option} must be a positive whole number, got '${text}'`);
  return value;
}

function usage(message: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_USAGE', message);
}
