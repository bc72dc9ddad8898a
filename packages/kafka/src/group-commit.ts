/** {@link GroupCommit.submit} refused: as many items as allowed are already waiting. */
export class GroupCommitFullError extends Error {
  override readonly name = 'GroupCommitFullError';
}

export interface GroupCommitOptions<T> {
  /** Writes one group; resolves once it is durable (rejects: every caller of the group fails). */
  write(items: readonly T[]): Promise<void>;
  /** Most items per write (a single submit larger than this is written alone). */
  readonly maxBatch: number;
  /** Items waiting or being written beyond which {@link GroupCommit.submit} refuses. */
  readonly maxPending: number;
  /**
   * How long an idle writer waits for more after the first submit, ms. 0: only what is submitted
   * in the same turn of the event loop; under load the groups form anyway, while a write is in
   * flight.
   */
  readonly lingerMs: number;
  /** Told the size of each group written. */
  onWrite?(items: number): void;
}

interface Waiting<T> {
  readonly items: readonly T[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: concurrent callers' items are written together, one write at a time — what a
 * database does with its log, and what an idempotent Kafka producer limited to one request in
 * flight needs to serve many callers at once. Each caller's promise settles with the write that
 * carried its items, so a caller is answered only once its own items are durable; while one write
 * is in flight, the next group gathers, so the group size follows the load with no added wait.
 * Bounded: past `maxPending` items, {@link submit} refuses at once (back-pressure).
 *
 * Written here because the Kafka clients' own batching (linger.ms) sits below the one-request
 * limit of kafkajs' idempotent producer and does not group separate `send` calls.
 */
export class GroupCommit<T> {
  private readonly waiting: Array<Waiting<T>> = [];
  private waitingItems = 0;
  private writingItems = 0;
  private writing = false;
  private scheduled = false;
  private readonly drained: Array<() => void> = [];

  constructor(private readonly options: GroupCommitOptions<T>) {}

  /** Items waiting or being written. */
  get pending(): number {
    return this.waitingItems + this.writingItems;
  }

  /**
   * Queues items for the next write.
   * @returns settles with that write.
   * @throws GroupCommitFullError (as a rejection) when `maxPending` would be exceeded.
   */
  submit(items: readonly T[]): Promise<void> {
    if (this.pending + items.length > this.options.maxPending) {
      return Promise.reject(
        new GroupCommitFullError(
          `${this.pending} items are waiting to be written (at most ${this.options.maxPending})`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      this.waitingItems += items.length;
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far is written (or failed). */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.writeNext();
    };
    if (this.options.lingerMs > 0) setTimeout(run, this.options.lingerMs);
    else setImmediate(run);
  }

  private async writeNext(): Promise<void> {
    if (this.writing || this.waiting.length === 0) return;
    const group: Array<Waiting<T>> = [];
    let size = 0;
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      if (group.length > 0 && size + next.items.length > this.options.maxBatch) break;
      group.push(this.waiting.shift()!);
      size += next.items.length;
    }
    this.waitingItems -= size;
    this.writingItems = size;
    this.writing = true;
    const items = group.length === 1 ? group[0]!.items : group.flatMap((w) => w.items);
    try {
      await this.options.write(items);
      this.options.onWrite?.(size);
      for (const w of group) w.resolve();
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      this.writing = false;
      this.writingItems = 0;
    }
    // What gathered meanwhile has waited already: written at once.
    if (this.waiting.length > 0) void this.writeNext();
    else for (const resolve of this.drained.splice(0)) resolve();
  }
}
