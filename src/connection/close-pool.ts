import type { Knex } from 'knex';
import pTimeout from 'p-timeout';

interface TarnPool {
  used: { resource: unknown }[];
  release(resource: unknown): boolean;
}

/**
 * Destroys a knex pool, waiting at most `timeoutMs` for connections in use (e.g. an open transaction)
 * to be released; after that those connections are closed by force. Resolves `{ forced }`.
 */
export async function closePool(knex: Knex, timeoutMs: number): Promise<{ forced: boolean }> {
  const destroyed = knex.destroy();
  // A spent budget (0 ms left of shutdownTimeout) goes straight to the forced close; p-timeout refuses 0.
  const outcome =
    timeoutMs > 0 ? await pTimeout(destroyed.then(() => 'closed' as const), { milliseconds: timeoutMs, fallback: () => 'timeout' as const }) : 'timeout';
  if (outcome === 'closed') return { forced: false };
  // tarn's destroy() waits for every used resource to come back; close them under their holders and
  // hand them back, so destroy() finishes instead of polling forever.
  const client = knex.client as Knex.Client & { pool?: TarnPool; destroyRawConnection(conn: unknown): Promise<void> };
  const pool = client.pool;
  const stuck = [...(pool?.used ?? [])];
  for (const used of stuck) {
    await client.destroyRawConnection(used.resource).catch(() => undefined);
    pool?.release(used.resource);
  }
  await destroyed.catch(() => undefined);
  return { forced: stuck.length > 0 };
}
