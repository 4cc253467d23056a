import type { Knex } from 'knex';

interface PidConnection {
  query(sql: string): Promise<{ rows: { pid: number }[] }>;
}

const PID = 'select pg_backend_pid() as pid';

/**
 * True when `knex`'s connections reach PostgreSQL through a transaction pooler: a client connection
 * that keeps no server session between two statements. Connection A reads its server's backend pid;
 * connection B opens a transaction (a pooler hands it the server connection A just gave back, PgBouncer
 * reusing the most recent one first); A reads its pid again. Directly or through a session pooler A
 * keeps its server and B gets another; through a transaction pooler A's two pids differ, or B got A's.
 *
 * Needs two pooled connections at once: with a pool of one, or when the second cannot be opened, it answers false.
 */
export async function detectTransactionPooler(knex: Knex): Promise<boolean> {
  const client = knex.client as {
    acquireConnection(): Promise<PidConnection>;
    releaseConnection(c: unknown): Promise<void>;
    pool?: { max?: number };
  };
  if ((client.pool?.max ?? 0) < 2) return false;
  const a = await client.acquireConnection();
  try {
    const first = await pid(a);
    // A server (or role) that refuses a second connection leaves nothing to compare: no pooler found.
    const b = await client.acquireConnection().catch(() => undefined);
    if (b === undefined) return false;
    try {
      await b.query('begin');
      try {
        const other = await pid(b);
        const second = await pid(a);
        return first !== second || other === first;
      } finally {
        await b.query('commit');
      }
    } finally {
      await client.releaseConnection(b);
    }
  } finally {
    await client.releaseConnection(a);
  }
}

async function pid(connection: PidConnection): Promise<number> {
  return (await connection.query(PID)).rows[0]!.pid;
}
