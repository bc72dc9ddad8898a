import { Heap } from 'heap-js';

export interface ScheduledLabel {
  readonly requestId: string;
  readonly model: string;
  readonly label: string;
  /** When the label becomes due, epoch milliseconds; also the label's timestamp. */
  readonly dueAt: number;
}

/**
 * Labels waiting for their time, in a binary heap ordered by due time (ties by insertion), so
 * taking the due ones costs O(k log n) however many are pending.
 */
export class LabelSchedule {
  private sequence = 0;
  private readonly heap = new Heap<ScheduledLabel & { readonly seq: number }>(
    (a, b) => a.dueAt - b.dueAt || a.seq - b.seq,
  );

  get size(): number {
    return this.heap.size();
  }

  add(label: ScheduledLabel): void {
    this.heap.push({ ...label, seq: this.sequence++ });
  }

  /** Due time of the earliest label, or undefined when none is pending. */
  nextDueAt(): number | undefined {
    return this.heap.peek()?.dueAt;
  }

  /** Removes and returns the labels due at `now`, earliest first, at most `limit` of them. */
  takeDue(now: number, limit = Number.POSITIVE_INFINITY): ScheduledLabel[] {
    const due: ScheduledLabel[] = [];
    while (due.length < limit) {
      const head = this.heap.peek();
      if (head === undefined || head.dueAt > now) break;
      this.heap.pop();
      due.push({
        requestId: head.requestId,
        model: head.model,
        label: head.label,
        dueAt: head.dueAt,
      });
    }
    return due;
  }

  /** Removes every pending label and returns how many there were. */
  clear(): number {
    const n = this.heap.size();
    this.heap.clear();
    return n;
  }
}
