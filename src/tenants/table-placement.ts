import type { Knex } from 'knex';
import type { PlacementStore } from './placement-store.js';

/** The default table of `TablePlacement`. */
export const PLACEMENT_TABLE = 'knexus_tenant_placement';

/**
 * Placement kept in a table on one server (`tenant` primary key, `server`, `placed_at`), created if
 * missing. `claim` is one `insert … on conflict do nothing`, so processes placing the same tenant at
 * once agree on the first.
 */
export class TablePlacement implements PlacementStore {
  readonly #knex: () => Knex;
  readonly #table: string;
  #created: Promise<void> | undefined;

  /** `knex` is asked on every call, so a home server registered late (it was down) is found. */
  constructor(knex: () => Knex, table = PLACEMENT_TABLE) {
    this.#knex = knex;
    this.#table = table;
  }

  async get(name: string): Promise<string | undefined> {
    await this.#ensureTable();
    const row = (await this.#knex()(this.#table).where({ tenant: name }).first('server')) as { server: string } | undefined;
    return row?.server;
  }

  async getMany(names: readonly string[]): Promise<Map<string, string>> {
    await this.#ensureTable();
    const found = new Map<string, string>();
    // A thousand names per query keeps every statement well under the drivers' parameter limits.
    for (let i = 0; i < names.length; i += 1000) {
      const rows = (await this.#knex()(this.#table)
        .whereIn('tenant', names.slice(i, i + 1000))
        .select('tenant', 'server')) as { tenant: string; server: string }[];
      for (const row of rows) found.set(row.tenant, row.server);
    }
    return found;
  }

  async set(name: string, server: string): Promise<void> {
    await this.#ensureTable();
    await this.#knex()(this.#table)
      .insert({ tenant: name, server, placed_at: new Date() })
      .onConflict('tenant')
      .merge(['server', 'placed_at']);
  }

  async claim(name: string, server: string): Promise<string> {
    await this.#ensureTable();
    await this.#knex()(this.#table).insert({ tenant: name, server, placed_at: new Date() }).onConflict('tenant').ignore();
    return (await this.get(name)) ?? server;
  }

  async counts(): Promise<Record<string, number>> {
    await this.#ensureTable();
    const rows = (await this.#knex()(this.#table).select('server').count({ n: '*' }).groupBy('server')) as {
      server: string;
      n: string | number;
    }[];
    return Object.fromEntries(rows.map((row) => [row.server, Number(row.n)]));
  }

  #ensureTable(): Promise<void> {
    this.#created ??= (async () => {
      const knex = this.#knex();
      if (await knex.schema.hasTable(this.#table)) return;
      await knex.schema
        .createTable(this.#table, (table) => {
          table.string('tenant', 255).primary();
          table.string('server', 255).notNullable();
          table.timestamp('placed_at', { useTz: true }).notNullable();
        })
        .catch(async (error: unknown) => {
          // Another process created it between the check and the create.
          if (!(await knex.schema.hasTable(this.#table))) throw error;
        });
    })().catch((error: unknown) => {
      this.#created = undefined;
      throw error;
    });
    return this.#created;
  }
}
