import type { AuditRecord } from './audit-record.js';
import type { AuditSink } from './audit-sink.js';

/** What an `AuditBuffer` has done so far. */
export interface AuditBufferCounts {
  readonly written: number;
  readonly pending: number;
  readonly dropped: number;
  readonly failedWrites: number;
  readonly lastError: string | null;
}

/**
 * Records on their way to a sink, written in the order they came, one batch at a time. While the sink
 * cannot take them (not reachable yet, or failing) they stay pending, the oldest dropped beyond
 * `bufferSize`.
 */
export class AuditBuffer {
  readonly #bufferSize: number;
  #sink: AuditSink | undefined;
  #pending: AuditRecord[] = [];
  #queue: Promise<void> = Promise.resolve();
  #written = 0;
  #dropped = 0;
  #failedWrites = 0;
  #lastError: string | null = null;

  constructor(sink: AuditSink, bufferSize: number) {
    this.#sink = sink;
    this.#bufferSize = bufferSize;
  }

  /** Queues records behind earlier writes (so the log keeps their order) and resolves when they are written or kept pending. */
  append(...records: AuditRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    this.#pending.push(...records);
    const run = this.#queue.then(() => this.#flush());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Writes what is still pending if it can, then closes the sink; later records stay pending. */
  async close(): Promise<void> {
    await this.#queue;
    await this.#flush().catch(() => undefined);
    const sink = this.#sink;
    this.#sink = undefined;
    await sink?.close();
  }

  get counts(): AuditBufferCounts {
    return {
      written: this.#written,
      pending: this.#pending.length,
      dropped: this.#dropped,
      failedWrites: this.#failedWrites,
      lastError: this.#lastError,
    };
  }

  async #flush(): Promise<void> {
    const sink = this.#sink;
    if (sink === undefined || this.#pending.length === 0) return;
    const batch = this.#pending.slice();
    let written = false;
    try {
      written = await sink.write(batch);
    } catch (error) {
      this.#failedWrites++;
      this.#lastError = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      if (written) {
        this.#pending.splice(0, batch.length);
        this.#written += batch.length;
      } else {
        this.#trim();
      }
    }
  }

  #trim(): void {
    const excess = this.#pending.length - this.#bufferSize;
    if (excess > 0) {
      this.#pending.splice(0, excess);
      this.#dropped += excess;
    }
  }
}
