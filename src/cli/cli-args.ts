import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KnexusError, errorMessage } from '../errors.js';

/** The `knexus` commands. */
export const COMMANDS = ['up', 'status', 'migrate', 'rollback', 'seed', 'down', 'repair', 'plugins', 'make:migration', 'make:seed', 'help'] as const;
/** A `knexus` command. */
export type CommandName = (typeof COMMANDS)[number];

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  once: { type: 'boolean' },
  to: { type: 'string' },
  step: { type: 'string' },
  all: { type: 'boolean' },
  seeds: { type: 'boolean' },
  app: { type: 'string' },
  migration: { type: 'string' },
  seed: { type: 'string' },
  resolution: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

type OptionName = keyof typeof OPTIONS;

const GLOBAL_OPTIONS: readonly OptionName[] = ['config', 'json', 'quiet', 'verbose', 'help', 'version'];

/** Options each command accepts besides the global ones, and how many positionals it takes. */
const COMMAND_SHAPES: Readonly<Record<CommandName, { options: readonly OptionName[]; positionals: readonly string[]; required: number }>> = {
  up: { options: ['once'], positionals: [], required: 0 },
  status: { options: [], positionals: ['app'], required: 0 },
  migrate: { options: ['to'], positionals: ['app'], required: 0 },
  rollback: { options: ['step', 'all', 'seeds'], positionals: ['app'], required: 0 },
  seed: { options: [], positionals: ['app'], required: 0 },
  down: { options: [], positionals: ['app'], required: 1 },
  repair: { options: ['migration', 'seed', 'resolution'], positionals: ['app'], required: 1 },
  plugins: { options: [], positionals: [], required: 0 },
  'make:migration': { options: ['app'], positionals: ['name'], required: 1 },
  'make:seed': { options: ['app'], positionals: ['name'], required: 1 },
  help: { options: [], positionals: ['command'], required: 0 },
};

/** A parsed `knexus` command line. */
export interface CliArgs {
  readonly command: CommandName;
  /** The app named on the command line (positional, or `--app` for make:*), if any. */
  readonly app: string | undefined;
  /** The file name given to make:migration / make:seed, or the command given to help. */
  readonly name: string | undefined;
  readonly config: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly once: boolean;
  readonly to: string | undefined;
  readonly step: number | undefined;
  readonly all: boolean;
  readonly seeds: boolean;
  /** repair: the dirty migration or seed file, and how it was settled. */
  readonly migration: string | undefined;
  readonly seed: string | undefined;
  readonly resolution: 'applied' | 'rolled-back' | undefined;
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
  const [first, ...rest] = positionals;
  const help = values.help === true;
  if (first !== undefined && !(COMMANDS as readonly string[]).includes(first)) {
    throw usage(`Unknown command '${first}' (expected one of: ${COMMANDS.join(', ')})`);
  }
  // No command: `--help`/`--version` alone are fine; anything else needs a command.
  if (first === undefined && !help && values.version !== true) throw usage('Missing command');
  const command: CommandName = (first as CommandName | undefined) ?? 'help';
  const shape = COMMAND_SHAPES[command];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || GLOBAL_OPTIONS.includes(key as OptionName) || shape.options.includes(key as OptionName)) continue;
    throw usage(`Option --${key} does not apply to '${command}'`);
  }
  if (rest.length > shape.positionals.length) throw usage(`Too many arguments for '${command}': ${rest.slice(shape.positionals.length).join(' ')}`);
  if (!help && rest.length < shape.required) throw usage(`'${command}' needs <${shape.positionals.slice(0, shape.required).join('> <')}>`);
  const step = values.step === undefined ? undefined : positiveInteger(values.step, '--step');
  if (step !== undefined && values.all === true) throw usage('Give --step or --all, not both');

  const resolution = values.resolution;
  if (resolution !== undefined && resolution !== 'applied' && resolution !== 'rolled-back') {
    throw usage(`--resolution must be 'applied' or 'rolled-back', got '${resolution}'`);
  }
  const isMake = command === 'make:migration' || command === 'make:seed';
  return {
    command,
    app: isMake ? values.app : command === 'help' ? undefined : rest[0],
    name: isMake || command === 'help' ? rest[0] : undefined,
    config: values.config,
    json: values.json === true,
    quiet: values.quiet === true,
    verbose: values.verbose === true,
    help,
    version: values.version === true,
    once: values.once === true,
    to: values.to,
    step,
    all: values.all === true,
    seeds: values.seeds === true,
    migration: values.migration,
    seed: values.seed,
    resolution,
  };
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) throw usage(`${option} must be a positive whole number, got '${text}'`);
  return value;
}

function usage(message: string): KnexusError {
  return new KnexusError('KNEXUS_ERR_USAGE', message);
}
