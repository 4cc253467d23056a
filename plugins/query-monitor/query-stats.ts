/** What `onHealthCheck` adds to an app's health report. */
export interface QueryStatsSnapshot {
  /** Queries completed (answered or failed) since the connection was first watched. */
  readonly queries: number;
  readonly errors: number;
  /** `errors / queries`, 0 before the first query. */
  readonly errorRate: number;
  /** Median duration of the recent queries in ms, null before the first one. */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly slowQueries: number;
}

/** Counts and recent durations of one connection's queries; percentiles are exact over a ring of recent samples. */
export class QueryStats {
  readonly #samples: Float64Array;
  #next = 0;
  #filled = 0;
  #queries = 0;
  #errors = 0;
  #slow = 0;

  /** Keeps the last `sampleSize` durations. */
  constructor(sampleSize: number) {
    this.#samples = new Float64Array(sampleSize);
  }

  /** Counts one completed query. */
  record(durationMs: number, failed: boolean, slow: boolean): void {
    this.#queries++;
    if (failed) this.#errors++;
    if (slow) this.#slow++;
    this.#samples[this.#next] = durationMs;
    this.#next = (this.#next + 1) % this.#samples.length;
    this.#filled = Math.min(this.#filled + 1, this.#samples.length);
  }

  /** The current numbers. */
  snapshot(): QueryStatsSnapshot {
    const sorted = this.#samples.slice(0, this.#filled).sort();
    return {
      queries: this.#queries,
      errors: this.#errors,
      errorRate: this.#queries === 0 ? 0 : this.#errors / this.#queries,
      p50Ms: nearestRank(sorted, 0.5),
      p95Ms: nearestRank(sorted, 0.95),
      slowQueries: this.#slow,
    };
  }
}

function nearestRank(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}
