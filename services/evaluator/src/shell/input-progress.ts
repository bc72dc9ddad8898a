import type { Kafka } from 'kafkajs';
import { LazyAdmin } from '@kanary/kafka';

/** A topic-partition that was read to its end as of `at`. */
export interface CaughtUp {
  readonly topic: string;
  readonly partition: number;
  readonly at: number;
}

export interface InputProgressOptions {
  kafka: Kafka;
  groupId: string;
  /** Input topics whose ends are probed. */
  topics: readonly string[];
  clock: () => number;
  /**
   * How far the consumer read a partition, transaction markers included: a partition written by
   * several transactional producers (one per upstream partition) can end with several markers.
   */
  readPosition: (topic: string, partition: number) => number;
}

/**
 * Which input partitions are read to their end: the watermark of an idle input (no records, so
 * no event times) must still advance, or one quiet topic would hold every decision back. A probe
 * asks the broker for the ends (read_committed) and the group's committed offsets, and compares
 * them with the furthest offset this instance's consumer read; a partition is at its end when
 * at most one offset is left — the commit marker an exactly-once producer writes after its last
 * record, which a committed offset stops before — or when the consumer read past every marker.
 * Probes run in the background; their results are taken by the next punctuation.
 */
export class InputProgress {
  private readonly admin: LazyAdmin;
  private results: CaughtUp[] = [];
  private probing: Promise<void> | undefined;

  constructor(private readonly options: InputProgressOptions) {
    this.admin = new LazyAdmin(options.kafka);
  }

  /**
   * Forgets probe results, of one partition or all (after a rebalance or an aborted transaction
   * another instance may have moved it).
   */
  reset(partition?: number): void {
    this.results =
      partition === undefined ? [] : this.results.filter((r) => r.partition !== partition);
  }

  /** Starts a probe of `partitions` unless one is running. */
  probe(partitions: readonly number[]): void {
    if (this.probing !== undefined || partitions.length === 0) return;
    this.probing = this.run(partitions)
      .catch(() => undefined)
      .finally(() => (this.probing = undefined));
  }

  /** What the finished probes found since the last call. */
  take(): CaughtUp[] {
    const results = this.results;
    this.results = [];
    return results;
  }

  async close(): Promise<void> {
    await this.probing;
    await this.admin.disconnect();
  }

  private async run(partitions: readonly number[]): Promise<void> {
    const { topics, groupId, clock } = this.options;
    const at = clock();
    const admin = await this.admin.get();
    const [ends, committed] = await Promise.all([
      Promise.all(
        topics.map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
      ),
      admin.fetchOffsets({ groupId, topics: [...topics] }),
    ]);
    const committedOf = new Map<string, number>();
    for (const { topic, partitions: list } of committed) {
      for (const { partition, offset } of list)
        committedOf.set(`${topic}\u0000${partition}`, Number(offset));
    }
    const wanted = new Set(partitions);
    const found: CaughtUp[] = [];
    for (const { topic, offsets } of ends) {
      for (const { partition, offset } of offsets) {
        if (!wanted.has(partition)) continue;
        const key = `${topic}\u0000${partition}`;
        const progress = Math.max(
          committedOf.get(key) ?? 0,
          this.options.readPosition(topic, partition),
        );
        if (progress >= Number(offset) - 1) found.push({ topic, partition, at });
      }
    }
    this.results.push(...found);
  }
}
