import type { CommandName } from './cli-args.js';

const GLOBAL = `Options:
  -c, --config <file>  config file (default: the nearest registry.config.{ts,mts,js,mjs} from here up,
                       else ./knexfile.{js,cjs,mjs,ts}); a file named knexfile.* is read as a knexfile
      --knexfile <file> use a knexfile: it defines one app, named after its folder (or --app <name>)
      --env <name>     knexfile environment (default: NODE_ENV, then development)
      --app <name>     the app to act on (same as the positional <app>)
      --url <url>      connection string replacing the target app's connection (with a knexfile,
                       DATABASE_URL does the same); never printed
      --cwd <dir>      look for the config from <dir> instead of the working directory (knex's --cwd)
      --migrations-directory <dir>   replace the app's migrations folder (knex's flag)
      --migrations-table-name <name> knex's own ledger table (default knex_migrations)
      --json           print one JSON document on stdout instead of text
  -q, --quiet          print only errors and warnings (status and plugins still print their view)
  -v, --verbose        more detail, and stack traces on errors
  -h, --help           show help (knexus help <command> for one command)
  -V, --version        print the version`;

const COMMAND_HELP: Readonly<Record<CommandName, string>> = {
  up: `knexus up [--once]
  Loads plugins, registers every configured app (connect, migrate, seed, bind models), prints a report
  and keeps running with health checks until SIGINT/SIGTERM, then shuts down gracefully (a second
  signal exits at once). --once prints the report and exits without rolling anything back.`,
  status: `knexus status [app] [--check]
  Read-only: applied migrations and seeds (batch, time, and baseline/imported for rows knexus did not
  run), pending and drifted files, plugin status. Creates nothing: an app whose SQLite file or
  PostgreSQL schema does not exist yet is shown missing. --check exits 3 when any migration or seed is
  pending or drifted (a deploy gate), 0 when everything is applied and unchanged, and 1 when an app
  could not be read (database unreachable), so a gate tells "behind" from "broken".`,
  migrate: `knexus migrate [app] [--to <name> | --step <n>] [--plugins]
  Applies pending migrations of every app (or one), up to and including <name> with --to, the next n with --step.
  One-shot commands (migrate, rollback, seed, down, baseline) load no plugin unless --plugins is given.`,
  rollback: `knexus rollback [app] [--step <n> | --all | --to <name>] [--seeds] [--plugins]
  Undoes the last migration batch of every app (or one), in reverse app order; --step undoes the last
  n migrations, --all every one. --seeds rolls back seed batches instead of migrations (the last one,
  the last n seeds with --step, or all).
  Seeds live in the tables migrations create: --all rolls back every seed first, as down does. Without
  --all, an app with seeds applied at or after the migrations to undo is refused (exit 2, nothing
  changed): roll back seeds first with knexus rollback <app> --seeds.
  --to <name> undoes every migration applied after <name>, and <name> itself (knex's migrate:down).`,
  seed: `knexus seed [app]
  Runs the seeds every app (or one) has not run yet.`,
  down: `knexus down <app> [--yes] [--plugins]
  Rolls back all of the app's seeds, then all of its migrations, and unregisters it. Asks first on a
  terminal; --yes skips the question, and without a terminal --yes is required (exit 2 otherwise).
  The configured plugins are loaded, so a backup plugin backs the database up before anything is undone.`,
  baseline: `knexus baseline <app> (--to <name> | --from-knex)
  --to marks every migration up to and including <name> as applied without running it (a database
  built by other means); --from-knex records what knex's own ledger (knex_migrations) says was applied.
  Both are recorded in the ledger as such and shown by status.`,
  repair: `knexus repair <app> (--migration <file> | --seed <file>) --resolution applied|rolled-back
  Settles a file left dirty (KNEXUS_ERR_LEDGER_DIRTY: it ran outside a transaction, or on MySQL/MariaDB,
  and failed or was killed half-way). Check the database first and finish or undo the file by hand:
  'applied' keeps it recorded as applied, 'rolled-back' forgets it so it runs again.`,
  plugins: `knexus plugins
  Loads the configured plugins and shows, for each, whether it loaded, its version, load time and error.`,
  tenants: `knexus tenants move <tenant> --to <server>
  Moves one tenant of the config's tenants to another of its servers: detaches it, copies its schema
  (pg_dump/pg_restore), verifies the ledger and row counts, switches its placement, drops the old copy.
  A failure leaves the tenant served from its old server with nothing lost (exit 1).`,
  'make:migration': `knexus make:migration <name> [--app <app>] [-x ts|js|mjs|cjs] [--stub <file>]
  Writes <timestamp>_<name>.<ext> with up/down into the app's first migrations directory. The extension
  and stub default to the knexfile's migrations.extension/stub, else ts and knexus's template; a .js
  file uses exports.up = … unless the package.json says "type": "module".`,
  'make:seed': `knexus make:seed <name> [--app <app>] [-x ts|js|mjs|cjs] [--stub <file>]
  Writes <timestamp>_<name>.<ext> with seed/unseed into the app's first seeds directory (defaults as make:migration).`,
  help: `knexus help [command]
  Shows help.`,
};

const SUMMARIES: Readonly<Record<CommandName, string>> = {
  up: 'up [--once]                      register every app and run until Ctrl-C (or report and exit)',
  status: 'status [app] [--check]           applied, pending and drifted migrations and seeds; plugins',
  migrate: 'migrate [app] [--to <name>]      apply pending migrations',
  rollback: 'rollback [app] [--step <n> | --all | --to <name>] [--seeds]   undo migration (or seed) batches',
  seed: 'seed [app]                       run seeds not run yet',
  down: 'down <app>                       roll back all seeds and migrations of an app',
  baseline: 'baseline <app> --to <name> | --from-knex   mark migrations applied without running them',
  repair: 'repair <app> --migration <file> --resolution applied|rolled-back   settle a dirty file',
  plugins: 'plugins                          load the configured plugins and show their state',
  tenants: 'tenants move <t> --to <server>   move a tenant to another server of tenants.servers',
  'make:migration': 'make:migration <name> [--app] [-x ts|js|mjs|cjs]   write a new migration file',
  'make:seed': 'make:seed <name> [--app]         write a new seed file',
  help: "help [command]                   this help, or one command's",
};

const KNEX_WORDS = `knex's commands work too:
  knex migrate:latest     knexus migrate
  knex migrate:up [name]  knexus migrate --step 1 (or --to <name>)
  knex migrate:down       knexus rollback --step 1
  knex migrate:rollback   knexus rollback (--all as knex's)
  knex migrate:status     knexus status (also migrate:list)
  knex migrate:make name  knexus make:migration name
  knex seed:run           knexus seed
  knex seed:make name     knexus make:seed name
  With no config file, a knexfile in the working directory is used; with neither, ./migrations and
  ./seeds run against DATABASE_URL (or --url).`;

const EXIT_CODE_TEXT = `Exit codes: 0 success; 1 an operation failed (a database unreachable, a migration failing);
  2 usage or config error (nothing was changed); 3 status --check found pending or drifted files.`;

/** The help text of one command, or of the whole CLI. */
export function usageText(command?: CommandName): string {
  if (command !== undefined && command !== 'help') return `Usage: ${COMMAND_HELP[command]}\n\n${GLOBAL}\n`;
  const commands = (Object.keys(COMMAND_HELP) as CommandName[]).map((name) => `  knexus ${SUMMARIES[name]}`).join('\n');
  return `Usage: knexus <command> [options]\n\nCommands:\n${commands}\n\n${KNEX_WORDS}\n\n${GLOBAL}\n\n${EXIT_CODE_TEXT}\n`;
}
