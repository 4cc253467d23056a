import { setTimeout as sleep } from 'node:timers/promises';

/** First and longest pause between two connection attempts, in ms. */
export const CONNECT_BACKOFF = Object.freeze({ first: 50, max: 2_000 });

// Socket-level failures of a server that is starting, restarting or briefly overloaded.
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'PROTOCOL_CONNECTION_LOST', 'SQLITE_BUSY']);
// PostgreSQL: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up), 53300 too_many_connections.
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// MySQL/MariaDB: 1040 too many connections, 1053 server shutdown in progress.
const TRANSIENT_ERRNOS = new Set([1040, 1053]);

/**
 * True for a connection failure worth retrying: refused, reset, a server starting or shutting down, too
 * many connections. Authentication failures and a missing database are never transient.
 */
export function isTransient(error: unknown): boolean {
  const { code, errno } = (error ?? {}) as { code?: unknown; errno?: unknown };
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || code.startsWith('SQLITE_BUSY')))
    return true;
  if (typeof errno === 'number' && TRANSIENT_ERRNOS.has(errno)) return true;
  // Several connection attempts at once fail together: node's AggregateError carries the real causes.
  const nested = (error as { errors?: unknown } | null)?.errors;
  return Array.isArray(nested) && nested.length > 0 && nested.every(isTransient);
}

/**
 * Runs `attempt` until it succeeds, retrying transient failures only with capped exponential backoff and
 * jitter until `budgetMs` has passed (0: one attempt) or `stopped()` says the registry is shutting down.
 * Rethrows the last failure.
 */
export async function withConnectRetry<T>(attempt: () => Promise<T>, budgetMs: number, stopped: () => boolean): Promise<T> {
  const deadline = performance.now() + budgetMs;
  for (let pause: number = CONNECT_BACKOFF.first; ; pause = Math.min(pause * 2, CONNECT_BACKOFF.max)) {
    try {
      return await attempt();
    } catch (error) {
      const remaining = deadline - performance.now();
      if (!isTransient(error) || remaining <= 0 || stopped()) throw error;
      // Jitter keeps processes that lost the server together from coming back in lockstep.
      await sleep(Math.min(remaining, pause * (0.5 + Math.random())));
      if (stopped()) throw error;
    }
  }
}
