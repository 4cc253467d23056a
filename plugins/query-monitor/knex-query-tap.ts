import type { Knex } from 'knex';

/** One finished query as the tap reports it: never its bound values. */
export interface TappedQuery {
  readonly sql: string;
  readonly method: string | null;
  readonly durationMs: number;
  readonly failed: boolean;
}

interface QueryEvent {
  readonly __knexQueryUid?: string;
  readonly sql?: string;
  readonly method?: string;
}

/** Queries in flight past this many are assumed lost (their connection died without an event) and forgotten, oldest first. */
const MAX_IN_FLIGHT = 10_000;

/**
 * Listens to one knex instance's `query`, `query-response` and `query-error` events and reports each
 * finished query with its duration. Statements without a query id (schema building, BEGIN/COMMIT)
 * are not timed, since their start and end cannot be paired.
 */
export class KnexQueryTap {
  readonly #knex: Knex;
  readonly #started = new Map<string, number>();
  readonly #onQuery = (query: QueryEvent): void => {
    const uid = query.__knexQueryUid;
    if (uid === undefined) return;
    if (this.#started.size >= MAX_IN_FLIGHT) this.#started.delete(this.#started.keys().next().value as string);
    this.#started.set(uid, performance.now());
  };
  readonly #onResponse = (_response: unknown, query: QueryEvent): void => this.#finish(query, false);
  readonly #onError = (_error: unknown, query: QueryEvent): void => this.#finish(query, true);
  readonly #report: (query: TappedQuery) => void;

  /** Starts listening on `knex`; `report` is called once per finished query and must not throw. */
  constructor(knex: Knex, report: (query: TappedQuery) => void) {
    this.#knex = knex;
    this.#report = report;
    knex.on('query', this.#onQuery);
    knex.on('query-response', this.#onResponse);
    knex.on('query-error', this.#onError);
  }

  /** Stops listening and forgets queries in flight. */
  detach(): void {
    this.#knex.off('query', this.#onQuery);
    this.#knex.off('query-response', this.#onResponse);
    this.#knex.off('query-error', this.#onError);
    this.#started.clear();
  }

  #finish(query: QueryEvent | undefined, failed: boolean): void {
    const uid = query?.__knexQueryUid;
    if (uid === undefined) return;
    const started = this.#started.get(uid);
    if (started === undefined) return;
    this.#started.delete(uid);
    this.#report({ sql: query?.sql ?? '', method: query?.method ?? null, durationMs: performance.now() - started, failed });
  }
}
