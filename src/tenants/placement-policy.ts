/** A server a new tenant may be placed on, as a placement policy sees it. */
export interface PlacementCandidate {
  readonly name: string;
  /** Tenants the placement store counts on it (0 when the store does not count). */
  readonly tenants: number;
}

/**
 * Chooses the server of a tenant seen for the first time among the servers that answer now (never an
 * empty list). Returns one of their names.
 */
export type PlacementPolicy = (tenant: string, servers: readonly PlacementCandidate[]) => string;

/** The default policy: the server holding the fewest tenants; on a tie, the first in `tenants.servers` order. */
export const fewestTenants: PlacementPolicy = (_tenant, servers) => {
  let best = servers[0]!;
  for (const server of servers) if (server.tenants < best.tenants) best = server;
  return best.name;
};
