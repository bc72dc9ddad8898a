/** An offset to commit: the next record to read on a partition (Kafka's committed-offset meaning). */
export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** Records handed out and not all finished, in offset order; `head` is the first unfinished. */
  readonly entries: Array<{ readonly offset: bigint; done: boolean }>;
  head: number;
  /** The offset after the last fetched batch (past its trailing control records). */
  fetchedTo: bigint | undefined;
  committed: bigint | undefined;
}

/**
 * The offsets a consumer may commit when its records finish out of order and long after they
 * were fetched (a webhook delivery with retries, say): a committed offset means "everything
 * before it is done", so each partition commits up to its first unfinished record, or past the
 * last fetched batch when none is left. A crash therefore re-reads exactly the unfinished records
 * and what followed them — at least once, never lost.
 *
 * Written here because kafkajs only resolves and commits offsets in fetch order (its
 * `resolveOffset` marks everything up to the offset as processed).
 */
export class PendingOffsets {
  private readonly partitions = new Map<string, PartitionProgress>();

  /**
   * A record handed out for processing, in offset order per partition.
   * @returns marks it finished.
   */
  add(topic: string, partition: number, offset: string): () => void {
    const progress = this.progressOf(topic, partition);
    const entry = { offset: BigInt(offset), done: false };
    progress.entries.push(entry);
    return () => {
      entry.done = true;
    };
  }

  /** A batch was fetched and its records added: `nextOffset` is the offset after it. */
  fetched(topic: string, partition: number, nextOffset: string): void {
    const progress = this.progressOf(topic, partition);
    const next = BigInt(nextOffset);
    if (progress.fetchedTo === undefined || next > progress.fetchedTo) progress.fetchedTo = next;
  }

  /** Records handed out and not finished yet. */
  get unfinished(): number {
    let count = 0;
    for (const p of this.partitions.values()) {
      for (let i = p.head; i < p.entries.length; i++) if (!p.entries[i]!.done) count += 1;
    }
    return count;
  }

  /** The offsets that moved since the last call; call {@link committed} once they are committed. */
  toCommit(): OffsetToCommit[] {
    const offsets: OffsetToCommit[] = [];
    for (const p of this.partitions.values()) {
      while (p.head < p.entries.length && p.entries[p.head]!.done) p.head += 1;
      if (p.head > 1_024 && p.head * 2 > p.entries.length) {
        p.entries.splice(0, p.head);
        p.head = 0;
      }
      const first = p.entries[p.head];
      const offset = first !== undefined ? first.offset : p.fetchedTo;
      if (offset === undefined || (p.committed !== undefined && offset <= p.committed)) continue;
      offsets.push({ topic: p.topic, partition: p.partition, offset: offset.toString() });
    }
    return offsets;
  }

  /** These offsets are committed: they are not offered again. */
  committed(offsets: readonly OffsetToCommit[]): void {
    for (const { topic, partition, offset } of offsets) {
      const p = this.partitions.get(key(topic, partition));
      if (p === undefined) continue;
      const at = BigInt(offset);
      if (p.committed === undefined || at > p.committed) p.committed = at;
    }
  }

  /**
   * A new assignment: partitions no longer assigned are forgotten (their records may finish,
   * but their new owner commits), and those assigned start afresh from what the group holds.
   */
  assign(assignment: Readonly<Record<string, readonly number[]>>): void {
    this.partitions.clear();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) this.progressOf(topic, partition);
    }
  }

  private progressOf(topic: string, partition: number): PartitionProgress {
    const k = key(topic, partition);
    let progress = this.partitions.get(k);
    if (progress === undefined) {
      progress = {
        topic,
        partition,
        entries: [],
        head: 0,
        fetchedTo: undefined,
        committed: undefined,
      };
      this.partitions.set(k, progress);
    }
    return progress;
  }
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
