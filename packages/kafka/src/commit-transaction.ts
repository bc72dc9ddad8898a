import type { Offsets, Producer, Transaction } from 'kafkajs';

/** The last record a transaction consumed from one partition, committed along with its outputs. */
export interface ConsumedOffset {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Offset of the last record consumed; the committed offset is the one after it. */
  readonly lastOffset: string;
}

/** The `sendOffsets` request committing `consumed`: the next offset to read, as Kafka expects. */
export function offsetsToCommit({
  groupId,
  topic,
  partition,
  lastOffset,
}: ConsumedOffset): Offsets & { consumerGroupId: string } {
  return {
    consumerGroupId: groupId,
    // BigInt: offsets are int64 and may pass Number.MAX_SAFE_INTEGER.
    topics: [{ topic, partitions: [{ partition, offset: (BigInt(lastOffset) + 1n).toString() }] }],
  };
}

/**
 * One Kafka transaction on a transactional producer: opens it, lets `write` send into it, adds the
 * consumed offset (none for outputs that consumed nothing), commits. On any failure — in `write`,
 * in Kafka, or a fenced producer — it aborts the transaction if it is still open and rethrows the
 * failure. An abort that fails is ignored: the coordinator aborts an open transaction itself when
 * it times out or its producer is fenced, and the original failure is the one worth reporting.
 * @returns what `write` returned.
 */
export async function commitTransaction<T>(
  producer: Pick<Producer, 'transaction'>,
  write: (txn: Transaction) => Promise<T>,
  consumed?: ConsumedOffset,
): Promise<T> {
  let txn: Transaction | undefined;
  try {
    txn = await producer.transaction();
    const written = await write(txn);
    if (consumed) await txn.sendOffsets(offsetsToCommit(consumed));
    await txn.commit();
    return written;
  } catch (e) {
    if (txn?.isActive()) await txn.abort().catch(() => undefined);
    throw e;
  }
}
