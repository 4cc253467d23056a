const SETTLED: Promise<void> = Promise.resolve();
let cached = -1;
const invalidate = (): void => {
  cached = -1;
};

/**
 * `performance.now()`, read at most once per microtask checkpoint: calls that settle in the same
 * checkpoint share one reading. Reading the clock can cost ~100 ns (more than a hook call), and
 * ten plugins' promises typically settle together, so this turns ten readings into one. The
 * error is bounded by the synchronous work done earlier in the same checkpoint.
 */
export function coarseNow(): number {
  if (cached < 0) {
    cached = performance.now();
    // A reaction on a settled promise: Node's queueMicrotask() costs several times more (an AsyncResource per call).
    void SETTLED.then(invalidate);
  }
  return cached;
}
