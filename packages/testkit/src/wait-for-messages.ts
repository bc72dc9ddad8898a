import { setTimeout as delay } from 'node:timers/promises';
import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { connectedConsumer } from './kafka-for-tests.js';
import { uniqueGroupId } from './unique-names.js';
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
  /**
   * Times kafkajs gave the consumer up for good (after a broker outage) and the collector
   * replaced it.
   */
  readonly restarts: number;
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

/** Pause before the first attempt to replace a consumer that stopped for good; doubles up to 5 s. */
const RESTART_BACKOFF_MS = 200;

/**
 * Consumes `topics` in the background with a fresh consumer group and collects what arrives; use
 * it when the test must act after the consumer is in place (`await collector.joined`).
 *
 * The collector outlasts a broker outage. kafkajs restarts its consumer after retriable errors,
 * but gives it up for good on some errors a broker restart causes: a connection refused while
 * looking for the group coordinator ends as `KafkaJSGroupCoordinatorNotFound`, which kafkajs
 * treats as not retriable (kafkajs issue #1630). The services exit on that and are started again;
 * the collector replaces its consumer in the same group instead, and drops whatever the new one is
 * handed again (records below an offset already collected on their partition), so every record
 * is collected once.
 */
export async function collectMessages<T = ConsumedRecord>(
  topics: string | readonly string[],
  options: CollectOptions<T> = {},
): Promise<MessageCollector<T>> {
  const records: T[] = [];
  const names = typeof topics === 'string' ? [topics] : topics;
  const groupId = options.groupId ?? uniqueGroupId();
  const map = options.map ?? ((record: ConsumedRecord) => record as T);
  /** Per `topic:partition`, the offset after the last record collected. */
  const next = new Map<string, bigint>();
  let markJoined!: () => void;
  const joined = new Promise<void>((resolve) => {
    markJoined = resolve;
  });
  /** Why the consumer stopped, until a replacement runs; the last error of a waitFor timeout. */
  let failure: unknown;
  let restarts = 0;
  let stopped = false;
  let restarting: Promise<void> | undefined;
  let consumer: Consumer | undefined;

  const start = async (): Promise<Consumer> => {
    const created = await connectedConsumer(
      { groupId, readUncommitted: options.isolation === 'read_uncommitted' },
      options.kafka,
    );
    try {
      created.on(created.events.GROUP_JOIN, () => markJoined());
      created.on(created.events.CRASH, (event) => {
        // kafkajs restarts the consumer itself after retriable errors.
        if (event.payload.restart || stopped) return;
        failure = event.payload.error;
        restarting ??= replace(created).finally(() => {
          restarting = undefined;
        });
      });
      for (const topic of names) {
        await created.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
      }
      await created.run({
        eachMessage: async ({ topic, partition, message }) => {
          const key = `${topic}:${partition}`;
          const offset = BigInt(message.offset);
          if (offset < (next.get(key) ?? 0n)) return;
          records.push(await map(toRecord(topic, partition, message)));
          next.set(key, offset + 1n);
        },
      });
      return created;
    } catch (e) {
      await created.disconnect().catch(() => undefined);
      throw e;
    }
  };

  /** Starts a consumer in the same group in place of `crashed`, retrying until one runs. */
  const replace = async (crashed: Consumer): Promise<void> => {
    await crashed.disconnect().catch(() => undefined);
    for (let attempt = 0; !stopped; attempt += 1) {
      try {
        const fresh = await start();
        if (stopped) {
          await fresh.disconnect();
          return;
        }
        consumer = fresh;
        restarts += 1;
        failure = undefined;
        return;
      } catch (e) {
        failure = e;
        await delay(Math.min(RESTART_BACKOFF_MS * 2 ** attempt, 5_000));
      }
    }
  };

  consumer = await start();

  return {
    records,
    joined,
    get restarts() {
      return restarts;
    },
    waitFor: async (until, timeoutMs = 30_000) => {
      const done = typeof until === 'number' ? (r: readonly T[]) => r.length >= until : until;
      await waitFor(
        () => {
          if (done(records)) return true;
          // Not yet: while the consumer is being replaced, its failure is what a timeout reports.
          if (failure) throw failure;
          return false;
        },
        {
          timeoutMs,
          description: () =>
            `${typeof until === 'number' ? `${until} records` : 'matching records'} on ${String(topics)} (got ${records.length})`,
        },
      );
      return records;
    },
    stop: async () => {
      stopped = true;
      await restarting;
      await consumer?.disconnect();
    },
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
