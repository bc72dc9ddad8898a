import { commitTransaction, LazyAdmin, TaskGate, TaskProducers } from '@kanary/kafka';
import type { EachBatchPayload, Kafka, Message } from 'kafkajs';

/** At-least-once: idempotent producer, offsets committed after the send. Exactly-once: one transaction per batch. */
export const PassthroughMode = {
  AT_LEAST_ONCE: 'at-least-once',
  EXACTLY_ONCE: 'exactly-once',
} as const;
export type PassthroughMode = (typeof PassthroughMode)[keyof typeof PassthroughMode];

export interface PassthroughOptions {
  readonly kafka: Kafka;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly mode: PassthroughMode;
  readonly groupId: string;
  /** The subject's fetch size, so both read batches of the same size. */
  readonly maxBytesPerPartition: number;
}

export interface Passthrough {
  /** Input records whose copies are committed (and offsets with them). */
  processed(): number;
  stop(): Promise<void>;
}

/**
 * The baseline of every stage: the limit of a kafkajs service that does nothing. It consumes the
 * same input topics the way `ProcessorRunner` does (read_committed, the same
 * `maxBytesPerPartition`) and produces each record's key and value bytes unchanged to `output` —
 * no decoding, no logic, no encoding. In exactly-once mode each batch is one transaction with its
 * consumed offset on its partition's transactional producer (`TaskProducers`, as the services),
 * batches of different partitions at the same time (8, the runner's default); in at-least-once
 * mode one partition at a time, the batch sent with acks=all and the offset committed afterwards.
 */
export async function startPassthrough(options: PassthroughOptions): Promise<Passthrough> {
  const { kafka, mode, groupId } = options;
  const exactlyOnce = mode === PassthroughMode.EXACTLY_ONCE;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const admin = new LazyAdmin(kafka);
  const gate = new TaskGate();
  const producers = new TaskProducers({
    kafka,
    transactionalIdPrefix: `${groupId}.txn`,
    groupId,
    topics: options.inputs,
    admin,
  });
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxBytesPerPartition: options.maxBytesPerPartition,
  });
  consumer.on(consumer.events.GROUP_JOIN, () => producers.newGeneration());
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.inputs], fromBeginning: true });
  let processed = 0;

  const copy = async ({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload) => {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const messages: Message[] = batch.messages.map((m) => ({ key: m.key, value: m.value }));
    const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
    const topicMessages = [{ topic: options.output, messages }];
    if (exactlyOnce) {
      // One transaction at a time per partition number (the same partition of several inputs).
      await gate.task(batch.partition, async () => {
        const task = await producers.get(batch.partition);
        await commitTransaction(
          task.producer,
          (txn) => txn.sendBatch({ topicMessages, acks: -1 }),
          { groupId, topic: batch.topic, partition: batch.partition, lastOffset },
        ).catch(async (e: unknown) => {
          await producers.drop(batch.partition);
          throw e;
        });
      });
      resolveOffset(lastOffset);
    } else {
      await producer.sendBatch({ topicMessages, acks: -1 });
      resolveOffset(lastOffset);
      await commitOffsetsIfNecessary();
    }
    processed += messages.length;
    await heartbeat();
  };

  await consumer.run({
    autoCommit: !exactlyOnce,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: exactlyOnce ? 8 : 1,
    eachBatch: copy,
  });
  return {
    processed: () => processed,
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
      await producers.close();
      await admin.disconnect();
    },
  };
}
