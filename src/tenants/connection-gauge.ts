import type { Knex } from 'knex';

interface PooledClient {
  acquireConnection(): Promise<object>;
  releaseConnection(connection: object): Promise<unknown>;
}

/**
 * Counts the pooled connections one tenant's knex holds right now: a transaction keeps its connection
 * from begin to commit, so a count above 0 means work in flight that detaching must not cut.
 * Each tenant has a knex instance of its own, so wrapping that instance's client touches no other app.
 */
export class ConnectionGauge {
  #held = 0;
  #waiters: (() => void)[] = [];

  constructor(knex: Knex) {
    const client = knex.client as unknown as PooledClient;
    const acquire = client.acquireConnection.bind(client);
    const release = client.releaseConnection.bind(client);
    client.acquireConnection = async () => {
      const connection = await acquire();
      this.#held++;
      return connection;
    };
    client.releaseConnection = async (connection: object) => {
      try {
        return await release(connection);
      } finally {
        this.#held = Math.max(0, this.#held - 1);
        if (this.#held === 0) for (const wake of this.#waiters.splice(0)) wake();
      }
    };
  }

  /** Connections held now. */
  get held(): number {
    return this.#held;
  }

  /** Resolves once no connection is held. */
  idle(): Promise<void> {
    if (this.#held === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
