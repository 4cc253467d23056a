/**
 * A second PostgreSQL 15 cluster for tests that need two servers: initdb into a temporary folder owned by
 * `postgres`, started on a free port with a small `max_connections`, stopped and removed after.
 *
 * In CI (`CI=true`) a cluster that cannot start fails the test file; elsewhere its tests are skipped with
 * a message naming what is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A running second cluster. */
export interface SecondPostgres {
  readonly host: string;
  readonly port: number;
  /** Starts the cluster (again); `create()` starts it unless told not to. */
  start(): Promise<void>;
  /** Stops the cluster (fast shutdown), keeping its files. */
  stop(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

async function asPostgres(command: string, args: string[]): Promise<void> {
  await run('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], { timeout: 60_000 });
}

/** Why a test needing the second cluster is skipped when `createSecondPostgres` gave none (never in CI, where it fails). */
export const NO_SECOND_POSTGRES =
  'a second PostgreSQL cluster could not be made with initdb/pg_ctl from /usr/lib/postgresql/15/bin (CI=true makes this a failure)';

/** Creates (and, unless `start: false`, starts) a second cluster; undefined outside CI when it cannot be made. */
export async function createSecondPostgres(
  options: { start?: boolean; maxConnections?: number } = {},
): Promise<SecondPostgres | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'knexus-pg2-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const pgCtl = async (...args: string[]) => asPostgres('pg_ctl', ['-D', data, ...args]);
  try {
    chownSync(dir, idOf('postgres', '-u'), idOf('postgres', '-g'));
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = `a second PostgreSQL cluster could not be created with ${PG_BIN}/initdb: ${(error as Error).message}`;
    if (process.env['CI'] === 'true') throw new Error(reason);
    console.warn(`skipping: ${reason}`);
    return undefined;
  }
  const cluster: SecondPostgres = {
    host: '127.0.0.1',
    port,
    async start() {
      const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=${options.maxConnections ?? 20} -c fsync=off -c shared_buffers=16MB`;
      await pgCtl('-o', settings, '-l', join(dir, 'log'), '-w', 'start');
    },
    async stop() {
      if (existsSync(join(data, 'postmaster.pid'))) await pgCtl('-m', 'fast', '-w', 'stop');
    },
    async remove() {
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.start !== false) {
    try {
      await cluster.start();
    } catch (error) {
      await cluster.remove();
      const reason = `a second PostgreSQL cluster could not start on port ${port}: ${(error as Error).message}`;
      if (process.env['CI'] === 'true') throw new Error(reason);
      console.warn(`skipping: ${reason}`);
      return undefined;
    }
  }
  return cluster;
}

/** The numeric user or group id of `user` (`id -u` / `id -g`), asked once per cluster. */
function idOf(user: string, flag: '-u' | '-g'): number {
  return Number(String(execFileSync('id', [flag, user])).trim());
}
