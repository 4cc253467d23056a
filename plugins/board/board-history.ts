import { isKnexusError, type HealthState, type RegistryHealth } from '../../src/index.js';

/** One health result of one app, for the latency chart. */
export interface HealthPoint {
  readonly at: string;
  readonly status: HealthState;
  readonly latencyMs: number | null;
}

/** One failure of one app, as the detail view lists it. */
export interface FailureRecord {
  readonly at: string;
  readonly operation: string;
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
  /** The migration or seed file the failure names, if any. */
  readonly file: string | null;
  /** `migrations` or `seeds` when the failure left that file dirty (started, never finished), else null. */
  readonly dirty: 'migrations' | 'seeds' | null;
}

/** Keeps each app's latest health results and failures in bounded rings, forgotten when the app goes. */
export class BoardHistory {
  readonly #health = new Map<string, HealthPoint[]>();
  readonly #failures = new Map<string, FailureRecord[]>();
  readonly #historySize: number;
  readonly #failureHistory: number;

  constructor(historySize: number, failureHistory: number) {
    this.#historySize = historySize;
    this.#failureHistory = failureHistory;
  }

  /** Adds one health cycle's result of every app in it. */
  recordHealth(health: RegistryHealth): void {
    for (const [name, report] of Object.entries(health.apps)) {
      push(
        this.#health,
        name,
        { at: report.checkedAt.toISOString(), status: report.status, latencyMs: report.latencyMs },
        this.#historySize,
      );
    }
  }

  /** Adds a failure; only a KnexusError's message is kept (its messages never carry secrets). */
  recordFailure(appName: string, operation: string, error: unknown): void {
    const known = isKnexusError(error);
    const hint = known ? error.details?.['hint'] : undefined;
    const file = known && typeof error.file === 'string' ? error.file : null;
    const dirty =
      known && error.details?.['dirty'] === true && file !== null
        ? error.code === 'KNEXUS_ERR_SEED_FAILED'
          ? 'seeds'
          : 'migrations'
        : null;
    push(
      this.#failures,
      appName,
      {
        at: new Date().toISOString(),
        operation,
        code: known ? error.code : 'KNEXUS_ERR_UNEXPECTED',
        message: known ? error.message : 'an unexpected error (see the registry logs)',
        hint: typeof hint === 'string' ? hint : null,
        file,
        dirty,
      },
      this.#failureHistory,
    );
  }

  /** Health results of `appName`, oldest first. */
  health(appName: string): readonly HealthPoint[] {
    return this.#health.get(appName) ?? [];
  }

  /** Failures of `appName`, oldest first. */
  failures(appName: string): readonly FailureRecord[] {
    return this.#failures.get(appName) ?? [];
  }

  /** Drops what is kept about an app that is gone. */
  forget(appName: string): void {
    this.#health.delete(appName);
    this.#failures.delete(appName);
  }
}

function push<T>(map: Map<string, T[]>, key: string, item: T, limit: number): void {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
