import { spawn } from 'node:child_process';
import type { Knex } from 'knex';
import type { ConnectionTarget } from '../../src/index.js';
import type { PgDumpFormat } from './backup-options.js';

/** How to run pg_dump for one app. */
export interface PgDumpRun {
  readonly executable: string;
  readonly format: PgDumpFormat;
  readonly target: ConnectionTarget;
  readonly file: string;
  readonly signal: AbortSignal;
}

const STDERR_LIMIT = 4096;

/**
 * Dumps an app's PostgreSQL database (only its schema when it has one) with pg_dump. Connection
 * details come from the secret-free target; the password, when knex's config has one, goes through
 * `PGPASSWORD` only — never the command line, never a message.
 */
export async function backupPostgres(knex: Knex, run: PgDumpRun): Promise<void> {
  const { target } = run;
  const args = [`--format=${run.format}`, `--file=${run.file}`, '--no-password'];
  if (target.host !== undefined) args.push(`--host=${target.host}`);
  if (target.port !== undefined) args.push(`--port=${target.port}`);
  if (target.user !== undefined) args.push(`--username=${target.user}`);
  if (target.schema !== undefined) args.push(`--schema=${target.schema}`);
  if (target.database !== undefined) args.push(`--dbname=${target.database}`);
  const password = pgPassword((knex.client as { config?: Knex.Config }).config?.connection);
  const env = { ...process.env, ...(password === undefined ? {} : { PGPASSWORD: password }) };

  await new Promise<void>((resolve, reject) => {
    const child = spawn(run.executable, args, { env, signal: run.signal, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_LIMIT) stderr += chunk;
    });
    child.once('error', (error) => reject(error));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const detail = mask(stderr.trim().slice(0, STDERR_LIMIT), password);
      reject(new Error(`pg_dump ${code === null ? `was killed (${signal})` : `exited with code ${code}`}${detail ? `: ${detail}` : ''}`));
    });
  });
}

/** The password in a knex/pg connection config (object or connection string), if there is one. */
export function pgPassword(connection: unknown): string | undefined {
  if (typeof connection === 'string') return urlPassword(connection);
  if (connection === null || typeof connection !== 'object') return undefined;
  const c = connection as Record<string, unknown>;
  if (typeof c['password'] === 'string' && c['password'] !== '') return c['password'];
  return typeof c['connectionString'] === 'string' ? urlPassword(c['connectionString']) : undefined;
}

function urlPassword(text: string): string | undefined {
  try {
    const password = new URL(text).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

function mask(text: string, secret: string | undefined): string {
  return secret === undefined ? text : text.split(secret).join('***');
}
