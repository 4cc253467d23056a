import { Counter, Histogram, Registry } from 'prom-client';

/** The Prometheus series the query monitor keeps, in a prom-client registry of its own (never the global one). */
export class QueryMetrics {
  readonly #registry = new Registry();
  readonly #queries: Counter<'app'>;
  readonly #errors: Counter<'app'>;
  readonly #slow: Counter<'app'>;
  readonly #duration: Histogram<'app'>;

  /** `bucketsMs` are the histogram's upper bounds in milliseconds. */
  constructor(bucketsMs: readonly number[]) {
    const registers = [this.#registry];
    this.#queries = new Counter({
      name: 'knexus_queries_total',
      help: 'Queries completed, by app (the app owning the pool).',
      labelNames: ['app'],
      registers,
    });
    this.#errors = new Counter({ name: 'knexus_query_errors_total', help: 'Queries that failed, by app.', labelNames: ['app'], registers });
    this.#slow = new Counter({
      name: 'knexus_slow_queries_total',
      help: 'Queries at or above slowQueryMs, by app.',
      labelNames: ['app'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'knexus_query_duration_seconds',
      help: 'Query latency, by app.',
      labelNames: ['app'],
      buckets: bucketsMs.map((ms) => ms / 1000),
      registers,
    });
  }

  /** Starts `app`'s series at zero, so a scrape shows them before its first query or error. */
  track(app: string): void {
    for (const counter of [this.#queries, this.#errors, this.#slow]) counter.inc({ app }, 0);
    this.#duration.zero({ app });
  }

  /** Counts one finished query of `app`. */
  observe(app: string, durationMs: number, failed: boolean, slow: boolean): void {
    this.#queries.inc({ app });
    if (failed) this.#errors.inc({ app });
    if (slow) this.#slow.inc({ app });
    this.#duration.observe({ app }, durationMs / 1000);
  }

  /** Drops `app`'s series once its connection is no longer watched. */
  forget(app: string): void {
    for (const metric of [this.#queries, this.#errors, this.#slow, this.#duration]) metric.remove({ app });
  }

  /** Prometheus text of every series. */
  render(): Promise<string> {
    return this.#registry.metrics();
  }
}
