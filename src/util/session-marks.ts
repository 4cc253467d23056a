/**
 * How code below the connection layer tells a pooled client that a connection's session may have been
 * changed (a migration ran `set search_path`, `USE`, `SET ROLE`…): the client's owner then resets it
 * before the connection serves anyone. Clients that track no session state ignore it.
 */
export const FORGET_SESSION = Symbol.for('knexus.forgetSession');

interface ForgettingClient {
  [FORGET_SESSION]?: (connection: unknown) => void;
}

/** Marks `connection` of `knex`'s pool as being in an unknown session state. */
export function forgetSession(knex: { client: unknown }, connection: unknown): void {
  (knex.client as ForgettingClient)[FORGET_SESSION]?.(connection);
}

/**
 * How a lock holder asks a pooled client for a connection whose session switch (reset, then the app's
 * route) it runs itself, leading its first statement, which saves that switch a round trip of its own.
 * Clients without routes hand out connections as usual.
 */
export const ACQUIRE_LEADING = Symbol.for('knexus.acquireLeading');

/** A connection acquired for a holder, with the statements to lead its first one with (undefined: none). */
export interface LeadingConnection {
  readonly connection: unknown;
  readonly lead: string | undefined;
  /** Records that `lead` ran (until then the connection's session counts as unknown). */
  switched(): void;
}

interface LeadingClient {
  acquireConnection(): Promise<unknown>;
  [ACQUIRE_LEADING]?: () => Promise<LeadingConnection>;
}

/** Acquires from `knex`'s pool; with `canLead`, a routed client may leave the switch to the caller (`lead`). */
export async function acquireLeading(knex: { client: unknown }, canLead: boolean): Promise<LeadingConnection> {
  const client = knex.client as LeadingClient;
  const leading = canLead ? client[ACQUIRE_LEADING] : undefined;
  if (leading !== undefined) return leading.call(client);
  return { connection: await client.acquireConnection(), lead: undefined, switched: () => undefined };
}
