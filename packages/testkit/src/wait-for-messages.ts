import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { connectedConsumer } from './kafka-for-tests.js';
import { waitFor } from './wait-for.js';

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly timestamp: string;
}

export interface CollectOptions<T> {
  /** Start at the earliest offset; otherwise only records produced after the group joined. @default true */
  fromBeginning?: boolean;
  /** `read_committed` hides records of open and aborted transactions. @default 'read_committed' */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** Group id. @default a unique one */
  groupId?: string;
  /** Turns each record into what is collected (e.g. decodes it). */
  map?: (record: ConsumedRecord) => T | Promise<T>;
  /** Client of another broker than the test broker (e.g. one a test starts itself). */
  kafka?: Kafka;
}

export interface MessageCollector<T> {
  /** Everything received so far, in arrival order (per partition: offset order). */
  readonly records: readonly T[];
  /** Resolves once the consumer has joined its group and been assigned partitions. */
  readonly joined: Promise<void>;
  /** Resolves with `records` once `until` (a count or a predicate over them) is met. */
  waitFor(
    until: number | ((records: readonly T[]) => boolean),
    timeoutMs?: number,
  ): Promise<readonly T[]>;
  stop(): Promise<void>;
}

const toRecord = (topic: string, partition: number, message: KafkaMessage): ConsumedRecord => ({
  topic,
  partition,
  offset: message.offset,
  key: message.key,
  value: message.value,
  headers: message.headers ?? {},
  timestamp: message.timestamp,
});

/**
 * Consumes `topics` in the background with a fresh consumer group and collects what arrives; use
 * it when the test must act after the consumer is in place (`await collector.joined`).
 */
export async function collectMessages<T = ConsumedRecord>(
  topics: string | readonly string[],
  options: CollectOptions<T> = {},
): Promise<MessageCollector<T>> {
  const records: T[] = [];
  const consumer: Consumer = await connectedConsumer(
    {
      ...(options.groupId ? { groupId: options.groupId } : {}),
      readUncommitted: options.isolation === 'read_uncommitted',
    },
    options.kafka,
  );
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
  });
  let failure: unknown;
  consumer.on(consumer.events.CRASH, (event) => {
    // kafkajs restarts the consumer after retriable errors (a broker restart); only the others end it.
    if (!event.payload.restart) failure = event.payload.error;
  });
  for (const topic of typeof topics === 'string' ? [topics] : topics) {
    await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  }
  const map = options.map ?? ((record: ConsumedRecord) => record as T);
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push(await map(toRecord(topic, partition, message)));
    },
  });
  return {
    records,
    joined,
    waitFor: async (until, timeoutMs = 30_000) => {
      const done = typeof until === 'number' ? (r: readonly T[]) => r.length >= until : until;
      await waitFor(
        () => {
          if (failure) throw failure;
          return done(records);
        },
        {
          timeoutMs,
          description: () =>
            `${typeof until === 'number' ? `${until} records` : 'matching records'} on ${String(topics)} (got ${records.length})`,
        },
      );
      return records;
    },
    stop: () => consumer.disconnect(),
  };
}

/**
 * Consumes `topics` from the beginning (by default, read_committed) until `until` holds — a record
 * count or a predicate over all records so far — and returns the records.
 */
export async function waitForMessages<T = ConsumedRecord>(
  topics: string | readonly string[],
  until: number | ((records: readonly T[]) => boolean),
  options: CollectOptions<T> & { timeoutMs?: number } = {},
): Promise<readonly T[]> {
  const collector = await collectMessages<T>(topics, options);
  try {
    return await collector.waitFor(until, options.timeoutMs);
  } finally {
    await collector.stop();
  }
}
