import type { Knex } from 'knex';
import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';

/**
 * Inserts audit records into a table, created on first use. `resolveKnex` is asked on every write,
 * because the app holding the table may register after the plugin loads (undefined: not yet).
 */
export class TableAuditSink implements AuditSink {
  readonly #table: string;
  readonly #resolveKnex: () => Knex | undefined;
  readonly #close: () => Promise<void>;
  readonly #ready = new WeakMap<Knex, Promise<void>>();

  /** `close` destroys a knex the plugin opened itself; for an app's knex it does nothing. */
  constructor(table: string, resolveKnex: () => Knex | undefined, close: () => Promise<void> = async () => {}) {
    this.#table = table;
    this.#resolveKnex = resolveKnex;
    this.#close = close;
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
    let ready = this.#ready.get(knex);
    if (ready === undefined) {
      ready = createTable(knex, this.#table);
      ready.catch(() => this.#ready.delete(knex));
      this.#ready.set(knex, ready);
    }
    return ready;
  }
}

async function createTable(knex: Knex, table: string): Promise<void> {
  if (await knex.schema.hasTable(table)) return;
  try {
    await knex.schema.createTable(table, (t) => {
      t.increments('id').primary();
      // ISO 8601 text sorts in time order and reads the same on every dialect.
      t.string('occurred_at', 32).notNullable().index();
      t.string('app', 63).notNullable().index();
      t.string('operation', 32).notNullable();
      t.string('outcome', 16).notNullable();
      t.double('duration_ms').nullable();
      t.string('error_code', 64).nullable();
      t.text('error_message').nullable();
      t.text('details').nullable();
    });
  } catch (error) {
    // Another process may have created it between the check and the create.
    if (!(await knex.schema.hasTable(table))) throw error;
  }
}
