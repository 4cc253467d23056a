/** Something with a deadline that the sweeper expires unless it is done first. */
export interface Expirable {
  /** `performance.now()` time after which `expire()` is called. */
  readonly deadline: number;
  /** Set once the work finished; the sweeper then drops it without calling `expire()`. */
  readonly done: boolean;
  expire(now: number): void;
}

/** Timers may fire a little before `performance.now()` reaches the deadline; this absorbs it. */
const SLACK_MS = 1;

/**
 * Expires work items with one shared timer instead of one timer per item.
 *
 * Items are kept in arrival order; with a constant timeout that is also deadline order, so the
 * timer only ever waits for the head. The timer stays armed while items are queued and is
 * `unref()`'d, so it never keeps the process alive; finished items are dropped lazily.
 */
export class DeadlineSweeper {
  #queue: Expirable[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;
  #sweeping = false;

  /** Items waiting for their deadline or for the sweep that drops them. */
  get size(): number {
    return this.#queue.length - this.#head;
  }

  /** Starts watching `item`. */
  add(item: Expirable): void {
    this.#queue.push(item);
    if (item.deadline < this.#armedFor) this.#arm(item.deadline);
  }

  /** Drops finished items from the front so the queue stays short when work completes in order. */
  release(): void {
    if (this.#sweeping) return;
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length && queue[head]!.done) head++;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    this.#head = head;
  }

  /** Calls `fn` on every item not yet done (used to abort everything at shutdown). */
  forEachPending(fn: (item: Expirable) => void): void {
    for (let i = this.#head; i < this.#queue.length; i++) {
      const item = this.#queue[i]!;
      if (!item.done) fn(item);
    }
  }

  /** Stops the timer and forgets every item. */
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.#queue = [];
    this.#head = 0;
  }

  #arm(deadline: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = deadline;
    this.#timer = setTimeout(this.#sweep, Math.max(0, deadline - performance.now()));
    this.#timer.unref();
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const queue = this.#queue;
    let head = this.#head;
    let next: Expirable | undefined;
    this.#sweeping = true;
    while (head < queue.length) {
      const item = queue[head]!;
      if (item.done) {
        head++;
        continue;
      }
      if (item.deadline > now + SLACK_MS) {
        next = item;
        break;
      }
      head++;
      try {
        item.expire(now);
      } catch {
        // expire() reports its own failures; one bad item must not stop the sweep.
      }
    }
    this.#sweeping = false;
    // expire() may have added items (and armed the timer) or released the queue.
    if (this.#queue !== queue) return;
    if (head >= queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.#head = head;
    if (next !== undefined && this.#timer === undefined) this.#arm(next.deadline);
  };
}
