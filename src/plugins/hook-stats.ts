/** Counters of one plugin's calls of one hook. */
export class HookStats {
  calls = 0;
  errors = 0;
  timeouts = 0;
  /** Sum of call durations in ms (only while `enableMetrics` is on). */
  totalMs = 0;

  /** Mean duration in ms, 0 before the first call. */
  get averageMs(): number {
    return this.calls === 0 ? 0 : this.totalMs / this.calls;
  }

  /** A plain snapshot for `getStatus()`. */
  toJSON(): { calls: number; errors: number; timeouts: number; totalMs: number; averageMs: number } {
    return { calls: this.calls, errors: this.errors, timeouts: this.timeouts, totalMs: this.totalMs, averageMs: this.averageMs };
  }
}
