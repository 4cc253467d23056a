import type { Knex } from 'knex';
import pTimeout from 'p-timeout';

/** Longest wait for the server to cancel the statements a forced close abandons, in ms. */
export const CANCEL_BUDGET_MS = 1_000;

interface TarnPool {
  used: { resource: unknown }[];
  release(resource: unknown): boolean;
}

/**
 * Destroys a knex pool, waiting at most `timeoutMs` for connections in use (e.g. an open transaction)
 * to be released; after that those connections are closed by force, and the statements they still run
 * are cancelled on the server (within `CANCEL_BUDGET_MS`). Resolves `{ forced }`.
 */
export async function closePool(knex: Knex, timeoutMs: number): Promise<{ forced: boolean }> {
  const destroyed = knex.destroy();
  // A spent budget (0 ms left of shutdownTimeout) goes straight to the forced close; p-timeout refuses 0.
  const outcome =
    timeoutMs > 0
      ? await pTimeout(
          destroyed.then(() => 'closed' as const),
          { milliseconds: timeoutMs, fallback: () => 'timeout' as const },
        )
      : 'timeout';
  if (outcome === 'closed') return { forced: false };
  // tarn's destroy() waits for every used resource to come back; close them under their holders and
  // hand them back, so destroy() finishes instead of polling forever.
  const client = knex.client as CancellingClient & { pool?: TarnPool; destroyRawConnection(conn: unknown): Promise<void> };
  const pool = client.pool;
  const stuck = [...(pool?.used ?? [])];
  await cancelRunning(
    client,
    stuck.map((used) => used.resource),
  );
  for (const used of stuck) {
    await client.destroyRawConnection(used.resource).catch(() => undefined);
    pool?.release(used.resource);
  }
  await destroyed.catch(() => undefined);
  return { forced: stuck.length > 0 };
}

/** knex's own statement cancellation: `pg_cancel_backend` on PostgreSQL, `KILL QUERY` on MySQL/MariaDB. */
type CancellingClient = Knex.Client & { cancelQuery(connection: unknown): Promise<unknown> };

/**
 * Cancels what `connections` still run on the server, each from a connection of its own. Closing the
 * socket is not enough: PostgreSQL notices a client is gone only when it next writes to it, so a
 * `pg_sleep(20)` or a long UPDATE would run (and hold its locks) to the end. SQLite runs in-process and
 * has nothing to cancel; a cancel that fails or outlasts the budget is given up.
 */
async function cancelRunning(client: CancellingClient, connections: readonly unknown[]): Promise<void> {
  if (connections.length === 0 || !client.canCancelQuery) return;
  const cancels = Promise.allSettled(connections.map((connection) => client.cancelQuery(connection)));
  await pTimeout(cancels, { milliseconds: CANCEL_BUDGET_MS, fallback: () => undefined });
}
