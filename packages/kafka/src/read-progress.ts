import { KanaryError } from '@kanary/contracts';
import type { Admin } from 'kafkajs';

/** Reading a topic to its end took longer than allowed; retrying may help. */
export class CatchUpTimeoutError extends KanaryError {
  constructor(message: string) {
    super('CATCH_UP_TIMEOUT', message, { retriable: true });
  }
}

/**
 * How far a consumer has handled its topics — the next offset to read, per topic-partition —
 * and a read-your-writes barrier on it. Consumers that commit nothing (they rebuild state from
 * their topics on every start) use it to know when the rebuild is complete.
 *
 * Positions must also move past batches that hold only transaction markers or aborted records
 * (kafkajs reports those only through its end-of-batch event), or a topic that ends with a
 * commit marker would never count as reached.
 */
export class ReadProgress {
  private readonly positions = new Map<string, number>();
  private readonly waiters = new Set<() => void>();
  private failure: unknown;

  /** The next offset to handle on a partition (0 before anything was handled). */
  position(topic: string, partition: number): number {
    return this.positions.get(`${topic}:${partition}`) ?? 0;
  }

  /** Everything before `next` on the partition has been handled; positions never move back. */
  advance(topic: string, partition: number, next: number): void {
    const key = `${topic}:${partition}`;
    if (next <= (this.positions.get(key) ?? 0)) return;
    this.positions.set(key, next);
    this.wakeAll();
  }

  /** The consumer stopped for good: every pending and later {@link catchUp} fails with `error`. */
  fail(error: unknown): void {
    this.failure = error;
    this.wakeAll();
  }

  /**
   * Resolves once every record committed on `topics` before the call has been handled.
   * `heartbeat` is called about once a second while waiting (for a caller inside a batch).
   * @throws CatchUpTimeoutError after `timeoutMs`; the consumer's failure if it stopped.
   */
  async catchUp(
    admin: Admin,
    topics: readonly string[],
    timeoutMs: number,
    heartbeat?: () => Promise<void>,
  ): Promise<void> {
    const ends = (
      await Promise.all(
        topics.map(async (topic) =>
          (await admin.fetchTopicOffsets(topic)).map((end) => ({ topic, ...end })),
        ),
      )
    ).flat();
    const behind = () =>
      ends.filter(({ topic, partition, offset, low }) => {
        const target = Number(offset);
        return target > Number(low) && this.position(topic, partition) < target;
      });
    const deadline = Date.now() + timeoutMs;
    while (behind().length > 0) {
      if (this.failure !== undefined) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) {
        const detail = behind()
          .map(
            ({ topic, partition, offset }) =>
              `${topic} p${partition} at ${this.position(topic, partition)} of ${offset}`,
          )
          .join(', ');
        throw new CatchUpTimeoutError(
          `${topics.join(', ')} not read to the end within ${timeoutMs} ms (${detail})`,
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 1_000));
        this.waiters.add(wake);
      });
      await heartbeat?.();
    }
  }

  private wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
