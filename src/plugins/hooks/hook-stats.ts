/** How many recent call durations each hook keeps for its percentiles. */
const RECENT = 128;

/** Counters of one plugin's calls of one hook. */
export class HookStats {
  calls = 0;
  errors = 0;
  timeouts = 0;
  /** Sum of call durations in ms (only while `enableMetrics` is on). */
  totalMs = 0;
  // A ring of the latest durations: percentiles describe the hook as it behaves now, in bounded memory.
  #recent: Float64Array | undefined;
  #recorded = 0;

  /** Mean duration in ms, 0 before the first call. */
  get averageMs(): number {
    return this.calls === 0 ? 0 : this.totalMs / this.calls;
  }

  /** Counts one call's duration in ms. */
  record(durationMs: number): void {
    this.totalMs += durationMs;
    (this.#recent ??= new Float64Array(RECENT))[this.#recorded++ % RECENT] = durationMs;
  }

  /** The `p`th percentile (0-100) of the latest call durations in ms; 0 before the first. */
  percentileMs(p: number): number {
    if (this.#recent === undefined) return 0;
    const sorted = this.#recent.slice(0, Math.min(this.#recorded, RECENT)).sort();
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  }

  /** A plain snapshot for `getStatus()`. */
  toJSON(): { calls: number; errors: number; timeouts: number; totalMs: number; averageMs: number; p50Ms: number; p95Ms: number } {
    return {
      calls: this.calls,
      errors: this.errors,
      timeouts: this.timeouts,
      totalMs: this.totalMs,
      averageMs: this.averageMs,
      p50Ms: this.percentileMs(50),
      p95Ms: this.percentileMs(95),
    };
  }
}
