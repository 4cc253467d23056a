import type { Knex } from 'knex';
import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';

/**
 * Inserts audit records into a table. `resolveKnex` is asked on every write, because the app holding
 * the table may register after the plugin loads (undefined: not yet). `createTable`, when given, makes
 * the table on first use (the plugin's own database); in an app's database knexus has created it.
 */
export class TableAuditSink implements AuditSink {
  readonly #table: string;
  readonly #resolveKnex: () => Knex | undefined;
  readonly #close: () => Promise<void>;
  readonly #createTable: ((knex: Knex) => Promise<void>) | undefined;
  readonly #ready = new WeakMap<Knex, Promise<void>>();

  /** `close` destroys a knex the plugin opened itself; for an app's knex it does nothing. */
  constructor(
    table: string,
    resolveKnex: () => Knex | undefined,
    close: () => Promise<void> = async () => {},
    createTable?: (knex: Knex) => Promise<void>,
  ) {
    this.#table = table;
    this.#resolveKnex = resolveKnex;
    this.#close = close;
    this.#createTable = createTable;
  }

  /** Creates the table now if the database is reachable (so a bad config fails at load, not at the first write). */
  async prepare(): Promise<void> {
    const knex = this.#resolveKnex();
    if (knex !== undefined) await this.#ensureTable(knex);
  }

  async write(records: readonly AuditRecord[]): Promise<boolean> {
    const knex = this.#resolveKnex();
    if (knex === undefined) return false;
    await this.#ensureTable(knex);
    await knex(this.#table).insert(
      records.map((r) => ({
        occurred_at: r.time,
        app: r.app,
        operation: r.operation,
        outcome: r.outcome,
        duration_ms: r.durationMs,
        error_code: r.error?.code ?? null,
        error_message: r.error?.message ?? null,
        details: r.details === null ? null : JSON.stringify(r.details),
      })),
    );
    return true;
  }

  async close(): Promise<void> {
    await this.#close();
  }

  #ensureTable(knex: Knex): Promise<void> {
    const create = this.#createTable;
    if (create === undefined) return Promise.resolve();
    let ready = this.#ready.get(knex);
    if (ready === undefined) {
      ready = create(knex);
      ready.catch(() => this.#ready.delete(knex));
      this.#ready.set(knex, ready);
    }
    return ready;
  }
}
