/**
 * A PgBouncer in transaction mode in front of the bench's PostgreSQL, on a free port, for as long as
 * `work(port)` runs (as the `postgres` user when run as root: PgBouncer refuses root). Resolves to
 * undefined without running `work` when /usr/sbin/pgbouncer is missing.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';

export const PGBOUNCER_BIN = '/usr/sbin/pgbouncer';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export async function withPgBouncer(pg, work) {
  if (!existsSync(PGBOUNCER_BIN)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'knexus-bench-pgbouncer-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), `"${pg.user}" ""\n`);
  writeFileSync(
    ini,
    `[databases]\n* = host=${pg.host} port=${pg.port}\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = ${port}\nunix_socket_dir =\n` +
      `auth_type = trust\nauth_file = ${join(dir, 'userlist.txt')}\npool_mode = transaction\ndefault_pool_size = 10\nmax_client_conn = 200\n` +
      `ignore_startup_parameters = extra_float_digits,options\nlogfile = ${join(dir, 'pgbouncer.log')}\npidfile = ${join(dir, 'pgbouncer.pid')}\n`,
  );
  for (const file of ['pgbouncer.ini', 'userlist.txt']) chmodSync(join(dir, file), 0o644);
  const child =
    process.getuid?.() === 0
      ? spawn('runuser', ['-u', 'postgres', '--', PGBOUNCER_BIN, ini], { stdio: 'ignore' })
      : spawn(PGBOUNCER_BIN, [ini], { stdio: 'ignore' });
  const quiet = { warn: () => undefined, error: () => undefined, debug: () => undefined, deprecate: () => undefined };
  try {
    for (let tries = 0; ; tries++) {
      const probe = knexFactory({
        client: 'pg',
        connection: { host: '127.0.0.1', port, user: pg.user, database: 'postgres' },
        pool: { min: 0, max: 1 },
        log: quiet,
      });
      try {
        await probe.raw('select 1');
        break;
      } catch (error) {
        if (tries > 100 || child.exitCode !== null) throw new Error(`PgBouncer did not start: ${error}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await probe.destroy();
      }
    }
    return await work(port);
  } finally {
    await stopPgBouncer(child, join(dir, 'pgbouncer.pid'));
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Stops PgBouncer at once (SIGTERM: immediate shutdown; SIGINT would wait for every client to leave),
 * signalling its own pid: under runuser, a signal to runuser need not reach it. SIGKILL after 5 s.
 */
async function stopPgBouncer(child, pidfile) {
  const exited =
    child.exitCode === null && child.signalCode === null ? new Promise((resolve) => child.once('exit', resolve)) : Promise.resolve();
  const pid = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8').trim()) : undefined;
  const signal = (name) => {
    try {
      if (pid) process.kill(pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5000))]);
  if (!stopped) {
    signal('SIGKILL');
    child.kill('SIGKILL');
  }
}
