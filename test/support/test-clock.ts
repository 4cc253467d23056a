/**
 * `onTestClock(body)`: runs `body` with `setTimeout` and `performance.now()` on a clock the test moves
 * (`vi.advanceTimersByTimeAsync`), so what a test proves about deadlines and time windows cannot
 * depend on how late a loaded machine runs a real timer.
 */
import { vi } from 'vitest';

/** Runs `body` on the test's clock; real timers are back when it settles. Create the registry inside `body`, so every deadline it arms is on that clock. */
export async function onTestClock(body: () => Promise<void>): Promise<void> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  try {
    await body();
  } finally {
    vi.useRealTimers();
  }
}
