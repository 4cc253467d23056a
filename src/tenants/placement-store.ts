/**
 * Where each tenant lives when the fleet spans several servers: the tenant's name to a server key of
 * `tenants.servers`. Back it with your own control table, or leave the default (`TablePlacement`: a
 * `knexus_tenant_placement` table on the home server).
 */
export interface PlacementStore {
  /** The server tenant `name` is placed on, undefined when it has none yet. */
  get(name: string): Promise<string | undefined> | string | undefined;
  /** Records (or, for a move, changes) the server of tenant `name`. */
  set(name: string, server: string): Promise<void> | void;
  /**
   * Records `server` for `name` only when it has none, and resolves with the server recorded: the first of
   * two processes placing the same new tenant wins. Without it, placing calls `set` then `get`.
   */
  claim?(name: string, server: string): Promise<string> | string;
  /** The servers of many tenants at once (fleet checks); without it `get` is asked for each. Unplaced tenants are left out. */
  getMany?(names: readonly string[]): Promise<ReadonlyMap<string, string>> | ReadonlyMap<string, string>;
  /** Tenants placed per server, for the default policy and for status; without it both count 0. */
  counts?(): Promise<Readonly<Record<string, number>>> | Readonly<Record<string, number>>;
}
