/**
 * `usePgBouncer()`: a real PgBouncer in front of the test PostgreSQL (127.0.0.1:5432), with a
 * transaction pool and a session pool on free ports, started before a describe block's first test
 * (as the `postgres` user when the tests run as root: PgBouncer refuses root) and stopped after its last.
 *
 * In CI (`CI=true`) a missing `/usr/sbin/pgbouncer` fails the block; elsewhere its tests are skipped
 * with a message naming it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { PG } from './databases.js';
import { freePort } from './free-port.js';

// Refused connections are expected while PgBouncer starts.
const QUIET = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

/** One PgBouncer pool: where to connect, as a knex connection object for `database`. */
export interface BouncerPool {
  readonly port: number;
  connection(database: string): { host: string; port: number; user: string; database: string };
}

export interface UsedPgBouncer {
  /** `pool_mode = transaction`. */
  readonly transaction: BouncerPool;
  /** `pool_mode = session`. */
  readonly session: BouncerPool;
}

/** Server connections per database and user in each pool (PgBouncer's `default_pool_size`). */
export const BOUNCER_POOL_SIZE = 5;

function bouncerPool(port: number): BouncerPool {
  return { port, connection: (database) => ({ host: '127.0.0.1', port, user: PG.user, database }) };
}

class Bouncer {
  readonly #dir: string;
  readonly #process: ChildProcess;
  readonly port: number;

  constructor(mode: 'transaction' | 'session', port: number) {
    this.port = port;
    this.#dir = mkdtempSync(join(tmpdir(), `knexus-pgbouncer-${mode}-`));
    chmodSync(this.#dir, 0o777);
    const ini = join(this.#dir, 'pgbouncer.ini');
    writeFileSync(join(this.#dir, 'userlist.txt'), `"${PG.user}" ""\n`);
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=${PG.host} port=${PG.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(this.#dir, 'userlist.txt')}`,
        `pool_mode = ${mode}`,
        `default_pool_size = ${BOUNCER_POOL_SIZE}`,
        'max_client_conn = 400',
        'ignore_startup_parameters = extra_float_digits,options',
        `logfile = ${join(this.#dir, 'pgbouncer.log')}`,
        `pidfile = ${join(this.#dir, 'pgbouncer.pid')}`,
        '',
      ].join('\n'),
    );
    for (const file of ['pgbouncer.ini', 'userlist.txt']) chmodSync(join(this.#dir, file), 0o644);
    const asRoot = process.getuid?.() === 0;
    this.#process = asRoot
      ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER_BIN, ini], { stdio: 'ignore' })
      : spawn(PGBOUNCER_BIN, [ini], { stdio: 'ignore' });
  }

  /** Resolves once a query goes through; rejects with PgBouncer's log after 10 s. */
  async ready(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = knexFactory({
        client: 'pg',
        connection: { ...bouncerPool(this.port).connection('postgres') },
        pool: { min: 0, max: 1 },
        acquireConnectionTimeout: 1000,
        log: QUIET,
      });
      try {
        await probe.raw('select 1');
        return;
      } catch (error) {
        if (Date.now() > deadline || this.#process.exitCode !== null)
          throw new Error(`PgBouncer did not start on port ${this.port}: ${String(error)}\n${this.log()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await probe.destroy();
      }
    }
  }

  log(): string {
    const file = join(this.#dir, 'pgbouncer.log');
    return existsSync(file) ? readFileSync(file, 'utf8').slice(-2000) : '';
  }

  async stop(): Promise<void> {
    if (this.#process.exitCode === null && this.#process.signalCode === null) {
      const exited = new Promise((resolve) => this.#process.once('exit', resolve));
      // SIGTERM is PgBouncer's immediate shutdown (SIGINT waits for every client to leave), sent to its own
      // pid: under runuser a signal to runuser need not reach it.
      const pidfile = join(this.#dir, 'pgbouncer.pid');
      const pid = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8').trim()) : undefined;
      const signal = (name: NodeJS.Signals) => {
        try {
          if (pid) process.kill(pid, name);
          else this.#process.kill(name);
        } catch {
          // Already gone.
        }
      };
      signal('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5000)),
      ]);
      if (!stopped) {
        signal('SIGKILL');
        this.#process.kill('SIGKILL');
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** True when the PgBouncer binary is here; in CI a missing one throws instead. */
export function pgBouncerInstalled(): boolean {
  if (existsSync(PGBOUNCER_BIN)) return true;
  if (process.env['CI'] === 'true') throw new Error(`${PGBOUNCER_BIN} is missing, and CI requires it (apt-get install -y pgbouncer)`);
  return false;
}

/** Starts PgBouncer's transaction and session pools for the enclosing describe block (or file). */
export function usePgBouncer(): UsedPgBouncer {
  const bouncers: Bouncer[] = [];
  let ports: { transaction: number; session: number } | undefined;
  let missing = false;
  beforeAll(async () => {
    if (!pgBouncerInstalled()) {
      missing = true;
      return;
    }
    ports = { transaction: await freePort(), session: await freePort() };
    bouncers.push(new Bouncer('transaction', ports.transaction), new Bouncer('session', ports.session));
    await Promise.all(bouncers.map((bouncer) => bouncer.ready()));
  }, 30_000);
  beforeEach((context) => {
    if (missing) context.skip(`PgBouncer (${PGBOUNCER_BIN}) is not installed (CI=true makes this a failure)`);
  });
  afterAll(async () => {
    await Promise.all(bouncers.map((bouncer) => bouncer.stop()));
  }, 15_000);
  const pool = (mode: 'transaction' | 'session'): BouncerPool => {
    if (ports === undefined) throw new Error("usePgBouncer(): the pools exist only inside the block's tests and hooks");
    return bouncerPool(ports[mode]);
  };
  return {
    get transaction() {
      return pool('transaction');
    },
    get session() {
      return pool('session');
    },
  };
}
