import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A server as `pg_dump`/`pg_restore` reach it: the knex connection object or a `postgres://` string. */
export type PgConnection = string | Readonly<Record<string, unknown>>;

/**
 * Copies one schema between two PostgreSQL servers with PostgreSQL's own tools: `pg_dump --format=custom
 * --schema` piped into `pg_restore --single-transaction --exit-on-error`, so a failed restore leaves
 * nothing on the target. Credentials reach the tools through PG* variables, never the command line.
 * `tools` is the folder holding both (default: PATH).
 */
export async function copySchema(from: PgConnection, to: PgConnection, schema: string, tools?: string): Promise<void> {
  const bin = (name: string) => (tools === undefined ? name : join(tools, name));
  const dump = spawn(bin('pg_dump'), ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`], {
    env: pgEnvironment(from),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const target = pgEnvironment(to);
  // A database name only (the password stays in PGPASSWORD); pg_restore restores nowhere without one.
  const database = target['PGDATABASE'] ?? target['PGUSER'] ?? 'postgres';
  const restore = spawn(
    bin('pg_restore'),
    ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${database}`],
    { env: target, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  dump.stdout.pipe(restore.stdin);
  // pg_restore exiting early closes its stdin; pg_dump's failure is what is reported then.
  restore.stdin.on('error', () => undefined);
  const [dumped, restored] = await Promise.all([finished(dump, 'pg_dump'), finished(restore, 'pg_restore')]);
  if (dumped !== undefined) throw new Error(dumped);
  if (restored !== undefined) throw new Error(restored);
}

/** Resolves with undefined on exit 0, else with a message holding the tool's last stderr lines. */
function finished(child: ReturnType<typeof spawn>, tool: string): Promise<string | undefined> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve) => {
    child.once('error', (error) => resolve(`${tool} could not run: ${error.message}`));
    child.once('close', (code) => resolve(code === 0 ? undefined : `${tool} exited with ${code}: ${stderr.trim()}`));
  });
}

/** PG* variables for a connection, over the process's own environment (PGPASSWORD only when one is set). */
export function pgEnvironment(connection: PgConnection): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSERVICE']) delete env[key];
  const settings = typeof connection === 'string' ? fromUrl(connection) : connection;
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  const pairs: [string, string | undefined][] = [
    ['PGHOST', text(settings['host'])],
    ['PGPORT', text(settings['port'])],
    ['PGUSER', text(settings['user'])],
    ['PGPASSWORD', typeof settings['password'] === 'string' ? settings['password'] : undefined],
    ['PGDATABASE', text(settings['database'])],
  ];
  for (const [key, value] of pairs) if (value !== undefined && value !== '') env[key] = value;
  const nested = settings['connectionString'];
  return typeof nested === 'string' ? { ...env, ...pgEnvironment(nested) } : env;
}

function fromUrl(url: string): Record<string, unknown> {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname),
    port: parsed.port,
    user: decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.slice(1)),
  };
}
