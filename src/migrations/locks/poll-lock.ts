import { setTimeout as sleep } from 'node:timers/promises';

/** First and longest pause between two attempts to take a busy lock, in ms. */
export const POLL_BACKOFF = Object.freeze({ first: 2, max: 100 });

/**
 * Calls `attempt` until it reports the lock taken, backing off exponentially with jitter; throws
 * `timeoutError` (created by the caller, so its stack points there) once `deadline` has passed, or
 * `stop.error()` as soon as `stop.stopped()` says the owner is shutting down.
 *
 * Polling a try-lock rather than blocking in the database keeps the wait bounded in milliseconds on
 * every dialect and leaves no server-side waiter behind when this process gives up.
 */
export async function pollLock(
  attempt: () => Promise<boolean>,
  deadline: number,
  timeoutError: Error,
  stop?: { readonly stopped: () => boolean; readonly error: () => Error },
): Promise<void> {
  for (let pause: number = POLL_BACKOFF.first; ; pause = Math.min(pause * 2, POLL_BACKOFF.max)) {
    if (await attempt()) return;
    const remaining = deadline - performance.now();
    if (remaining <= 0) throw timeoutError;
    if (stop?.stopped()) throw stop.error();
    // Jitter keeps processes that started together from retrying in lockstep.
    await sleep(Math.min(remaining, pause * (0.5 + Math.random())));
  }
}
