/**
 * Puts nearly sorted input back in time order with bounded memory. Recorded files are rarely
 * perfectly sorted (several producers, labels imported in batches), and loading a file of
 * millions of lines to sort it is what replay must not do. So items wait in a min-heap until the
 * newest time seen has passed them by `slackMs` (or the heap holds `maxHeld` items): anything
 * that arrives at most `slackMs` late still comes out in order. An item later than that — older
 * than what was already released — cannot be put back in order; it is released at once, flagged
 * `late`, and its consumer applies it at the current clock (and counts it).
 *
 * Items of the same time come out in `sameTime` order, then in arrival order: with a total
 * `sameTime` order, any arrival order within the slack gives the same output.
 */
import { Heap } from 'heap-js';

/** An item with its time (epoch ms) and its arrival number. */
interface Held<T> {
  readonly time: number;
  readonly seq: number;
  readonly item: T;
}

export interface ReorderBufferOptions {
  /** How far behind the newest time an item may arrive and still be put in order, ms. */
  readonly slackMs: number;
  /** Items held at most; when full, the oldest is released early (memory bound). */
  readonly maxHeld: number;
}

export class ReorderBuffer<T> {
  private readonly heap: Heap<Held<T>>;
  private newest = Number.NEGATIVE_INFINITY;
  private released = Number.NEGATIVE_INFINITY;
  private seq = 0;

  constructor(
    private readonly options: ReorderBufferOptions,
    sameTime: (a: T, b: T) => number = () => 0,
  ) {
    this.heap = new Heap<Held<T>>(
      (a, b) => a.time - b.time || sameTime(a.item, b.item) || a.seq - b.seq,
    );
  }

  /** Items held now. */
  get size(): number {
    return this.heap.length;
  }

  /**
   * Adds an item of `time` and passes every item now due to `release`, in time order. An item
   * older than the last released one is passed straight on with `late` = true.
   */
  push(item: T, time: number, release: (item: T, late: boolean) => void): void {
    if (time < this.released) {
      release(item, true);
      return;
    }
    this.heap.push({ time, seq: this.seq++, item });
    if (time > this.newest) this.newest = time;
    const due = this.newest - this.options.slackMs;
    for (;;) {
      const head = this.heap.peek();
      if (head === undefined) return;
      if (head.time > due && this.heap.length <= this.options.maxHeld) return;
      this.heap.pop();
      this.released = head.time;
      release(head.item, false);
    }
  }

  /** Releases everything still held, in time order (end of input). */
  drain(release: (item: T, late: boolean) => void): void {
    for (let head = this.heap.pop(); head !== undefined; head = this.heap.pop()) {
      this.released = head.time;
      release(head.item, false);
    }
  }
}
