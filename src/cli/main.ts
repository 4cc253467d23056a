import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { loadCliConfig } from './load-cli-config.js';
import { COMMANDS as COMMAND_NAMES, parseCliArgs, type CliArgs, type CommandName } from './cli-args.js';
import { CliOutput } from './cli-output.js';
import type { Command } from './commands/command-context.js';
import { configSecrets } from './config-secrets.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';
import { exitCodeFor } from './format-error.js';
import { usageText } from './usage.js';

/** The streams `main` writes to; tests may pass their own. */
export interface CliStreams {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Answers to questions (`down` asks on a terminal); default `process.stdin`. */
  readonly stdin?: NodeJS.ReadStream;
}

// Imported on demand: help, --version, usage and config errors then answer without loading knex and the registry.
const COMMANDS: Readonly<Record<Exclude<CommandName, 'help'>, Command>> = {
  up: async (ctx) => (await import('./commands/up.js')).up(ctx),
  status: async (ctx) =>
    ctx.args.tenants ? (await import('./commands/fleet.js')).fleet(ctx, 'status') : (await import('./commands/status.js')).status(ctx),
  migrate: async (ctx) =>
    ctx.args.tenants ? (await import('./commands/fleet.js')).fleet(ctx, 'migrate') : (await import('./commands/migrate.js')).migrate(ctx),
  rollback: async (ctx) =>
    ctx.args.tenants
      ? (await import('./commands/fleet.js')).fleet(ctx, 'rollback')
      : (await import('./commands/rollback.js')).rollback(ctx),
  seed: async (ctx) => (await import('./commands/seed.js')).seed(ctx),
  down: async (ctx) => (await import('./commands/down.js')).down(ctx),
  baseline: async (ctx) => (await import('./commands/baseline.js')).baseline(ctx),
  repair: async (ctx) => (await import('./commands/repair.js')).repair(ctx),
  plugins: async (ctx) => (await import('./commands/plugins.js')).plugins(ctx),
  tenants: async (ctx) => (await import('./commands/tenants-move.js')).tenantsMove(ctx),
  'make:migration': async (ctx) => (await import('./commands/make-file.js')).makeFile(ctx, 'migration'),
  'make:seed': async (ctx) => (await import('./commands/make-file.js')).makeFile(ctx, 'seed'),
};

/**
 * Runs the `knexus` command line and resolves with its exit code: 0 success, 1 an operation failed,
 * 2 a usage or config error. Never throws; never calls `process.exit` (a second Ctrl-C under `up` aside).
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: readonly string[], streams: CliStreams = process): Promise<ExitCode> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    // The command line is unusable, but `--json` callers still expect a document.
    const output = new CliOutput({ json: argv.includes('--json'), quiet: false, verbose: argv.includes('--verbose'), ...streams });
    output.failure('knexus', error);
    return exitCodeFor(error);
  }
  const output = new CliOutput({ json: args.json, quiet: args.quiet, verbose: args.verbose, command: args.command, ...streams });
  if (args.version) {
    if (args.json) output.document({ ok: true, version: version() });
    else streams.stdout.write(`knexus ${version()}\n`);
    return EXIT_CODES.ok;
  }
  if (args.command === 'help' || args.help) {
    const named = args.command === 'help' ? args.name : args.command;
    const topic = (COMMAND_NAMES as readonly string[]).includes(named ?? '') ? (named as CommandName) : undefined;
    streams.stdout.write(usageText(topic));
    return EXIT_CODES.ok;
  }
  try {
    const loaded = await loadCliConfig(args, args.cwd === undefined ? process.cwd() : resolve(args.cwd));
    output.addSecrets(configSecrets(loaded));
    output.debug(`config ${loaded.file}`);
    return await COMMANDS[args.command]({ args, output, loaded, stdin: streams.stdin ?? process.stdin });
  } catch (error) {
    output.failure(args.command, error);
    return exitCodeFor(error);
  }
}

function version(): string {
  // Through the package's own name, so the answer is the same from src/ (tests) and from dist/src/ (installed).
  const pkg = createRequire(import.meta.url)('knexus/package.json') as { version?: string };
  return pkg.version ?? 'unknown';
}
