import type { CommandName } from './cli-args.js';

const GLOBAL = `Options:
  -c, --config <file>  config file (default: the nearest registry.config.{ts,mts,js,mjs} from here up)
      --json           print one JSON document on stdout instead of text
  -q, --quiet          print only errors and warnings (status and plugins still print their view)
  -v, --verbose        more detail, and stack traces on errors
  -h, --help           show help (knexus help <command> for one command)
      --version        print the version`;

const COMMAND_HELP: Readonly<Record<CommandName, string>> = {
  up: `knexus up [--once]
  Loads plugins, registers every configured app (connect, migrate, seed, bind models), prints a report
  and keeps running with health checks until SIGINT/SIGTERM, then shuts down gracefully (a second
  signal exits at once). --once prints the report and exits without rolling anything back.`,
  status: `knexus status [app]
  Read-only: applied migrations and seeds (batch, time), pending and drifted files, plugin status.
  Creates nothing: an app whose SQLite file or PostgreSQL schema does not exist yet is shown missing.`,
  migrate: `knexus migrate [app] [--to <name>]
  Applies pending migrations of every app (or one), up to and including <name> with --to.`,
  rollback: `knexus rollback [app] [--step <n> | --all] [--seeds]
  Undoes the last migration batch of every app (or one), in reverse app order; --step undoes the last
  n migrations, --all every one. --seeds rolls back seed batches instead of migrations (the last one,
  the last n seeds with --step, or all).
  Seeds live in the tables migrations create: --all rolls back every seed first, as down does. Without
  --all, an app with seeds applied at or after the migrations to undo is refused (exit 2, nothing
  changed): roll back seeds first with knexus rollback <app> --seeds.`,
  seed: `knexus seed [app]
  Runs the seeds every app (or one) has not run yet.`,
  down: `knexus down <app>
  Rolls back all of the app's seeds, then all of its migrations, and unregisters it.`,
  repair: `knexus repair <app> (--migration <file> | --seed <file>) --resolution applied|rolled-back
  Settles a file left dirty (KNEXUS_ERR_LEDGER_DIRTY: it ran outside a transaction, or on MySQL/MariaDB,
  and failed or was killed half-way). Check the database first and finish or undo the file by hand:
  'applied' keeps it recorded as applied, 'rolled-back' forgets it so it runs again.`,
  plugins: `knexus plugins
  Loads the configured plugins and shows, for each, whether it loaded, its version, load time and error.`,
  'make:migration': `knexus make:migration <name> [--app <app>]
  Writes <timestamp>_<name>.ts with up/down into the app's first migrations directory.`,
  'make:seed': `knexus make:seed <name> [--app <app>]
  Writes <timestamp>_<name>.ts with seed/unseed into the app's first seeds directory.`,
  help: `knexus help [command]
  Shows help.`,
};

const SUMMARIES: Readonly<Record<CommandName, string>> = {
  up: 'up [--once]                      register every app and run until Ctrl-C (or report and exit)',
  status: 'status [app]                     applied, pending and drifted migrations and seeds; plugins',
  migrate: 'migrate [app] [--to <name>]      apply pending migrations',
  rollback: 'rollback [app] [--step <n> | --all] [--seeds]   undo migration (or seed) batches',
  seed: 'seed [app]                       run seeds not run yet',
  down: 'down <app>                       roll back all seeds and migrations of an app',
  repair: 'repair <app> --migration <file> --resolution applied|rolled-back   settle a dirty file',
  plugins: 'plugins                          load the configured plugins and show their state',
  'make:migration': 'make:migration <name> [--app]    write a new migration file',
  'make:seed': 'make:seed <name> [--app]         write a new seed file',
  help: 'help [command]                   this help, or one command\'s',
};

/** The help text of one command, or of the whole CLI. */
export function usageText(command?: CommandName): string {
  if (command !== undefined && command !== 'help') return `Usage: ${COMMAND_HELP[command]}\n\n${GLOBAL}\n`;
  const commands = (Object.keys(COMMAND_HELP) as CommandName[]).map((name) => `  knexus ${SUMMARIES[name]}`).join('\n');
  return `Usage: knexus <command> [options]\n\nCommands:\n${commands}\n\n${GLOBAL}\n\nExit codes: 0 success, 1 an operation failed, 2 usage or config error.\n`;
}
