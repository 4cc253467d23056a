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
