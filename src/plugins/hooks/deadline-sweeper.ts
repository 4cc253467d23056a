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

/** Consumed slots are reclaimed once this many pile up, not each time the queue empties. */
const COMPACT_AT = 1024;

/**
 * Expires work items with one shared timer instead of one timer per item.
 *
 * Items are kept in deadline order, so the timer only ever waits for the head. With a constant
 * timeout, arrival order is almost always deadline order and `add()` appends; an item that arrives
 * with an earlier deadline than the tail (a batch sealed after the nested batches its failures
 * started) is binary-inserted. The timer stays armed while items are queued and is `unref()`'d,
 * so it never keeps the process alive; finished items are dropped lazily.
 */
export class DeadlineSweeper {
  // Slots before #head are consumed (undefined); truncating the array each time it empties would
  // make V8 reallocate its backing store on the next add(), once per dispatch.
  #queue: (Expirable | undefined)[] = [];
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
    const queue = this.#queue;
    const last = queue[queue.length - 1];
    if (last === undefined || last.deadline <= item.deadline) {
      queue.push(item);
    } else {
      // First position after every item due no later than this one (equal deadlines keep arrival order).
      let low = this.#head;
      let high = queue.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (queue[mid]!.deadline <= item.deadline) low = mid + 1;
        else high = mid;
      }
      queue.splice(low, 0, item);
    }
    if (item.deadline < this.#armedFor) this.#arm(item.deadline);
  }

  /** Drops finished items from the front so the queue stays short when work completes in order. */
  release(): void {
    if (this.#sweeping) return;
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length && queue[head]!.done) queue[head++] = undefined;
    if (head === queue.length && head >= COMPACT_AT) {
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
    let next: Expirable | undefined;
    this.#sweeping = true;
    // `#head` advances as items are taken, so an `add()` from inside `expire()` inserts after them.
    while (this.#head < queue.length) {
      const item = queue[this.#head]!;
      if (item.done) {
        queue[this.#head++] = undefined;
        continue;
      }
      if (item.deadline > now + SLACK_MS) {
        next = item;
        break;
      }
      queue[this.#head++] = undefined;
      try {
        item.expire(now);
      } catch {
        // expire() reports its own failures; one bad item must not stop the sweep.
      }
    }
    this.#sweeping = false;
    // expire() may have cleared the sweeper (shutdown).
    if (this.#queue !== queue) return;
    const head = this.#head;
    if (head >= queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else if (head > COMPACT_AT && head * 2 > queue.length) {
      queue.splice(0, head);
      this.#head = 0;
    }
    // expire() may have added items and armed the timer for a later deadline than `next`'s.
    if (next !== undefined && next.deadline < this.#armedFor) this.#arm(next.deadline);
  };
}
