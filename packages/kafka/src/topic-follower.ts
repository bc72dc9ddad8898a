import { randomUUID } from 'node:crypto';
import {
  KanaryError,
  type EventCodec,
  type EventName,
  type EventTypes,
  type TopicSpec,
} from '@kanary/contracts';
import type { Logger } from '@kanary/observability';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { ReadProgress } from './read-progress.js';

export interface FollowedRecord<E extends EventName> {
  readonly key: string | null;
  /** Decoded value; null for a tombstone. */
  readonly value: EventTypes[E] | null;
  readonly partition: number;
  readonly offset: string;
  /** Kafka record timestamp, epoch ms. */
  readonly timestamp: number;
}

export interface TopicFollowerOptions<E extends EventName> {
  kafka: Kafka;
  codec: EventCodec;
  topic: TopicSpec<E>;
  logger: Logger;
  /** Prefix of the follower's consumer group; a random suffix makes it unique per start. */
  groupIdPrefix: string;
  /** Called for every record in partition order; a throw of a retriable error re-fetches the batch. */
  onRecord(record: FollowedRecord<E>): void | Promise<void>;
  /** Called for a record that cannot be decoded or validated (it is skipped). */
  onInvalid?(error: unknown, meta: { partition: number; offset: string; key: string | null }): void;
  /** Start from the earliest offset (a restore) or only follow new records. @default true */
  fromBeginning?: boolean;
}

/**
 * Follows a topic from the beginning (read_committed) in a consumer group unique to this start
 * that commits nothing, so every instance sees every record and a restart re-reads the topic —
 * the way to restore from a compacted topic or rebuild state from a log.
 *
 * {@link catchUp} is a read-your-writes barrier: it resolves once everything committed on the
 * topic when it was called has been handed to `onRecord`. Positions come from kafkajs'
 * end-of-batch events, which also fire for batches holding only transaction markers or aborted
 * records, so a topic that ends with a commit marker is still reached.
 */
export class TopicFollower<E extends EventName> {
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private readonly progress = new ReadProgress();

  constructor(private readonly options: TopicFollowerOptions<E>) {}

  async start(): Promise<void> {
    const { kafka, topic, logger } = this.options;
    this.admin = kafka.admin();
    await this.admin.connect();
    const consumer = kafka.consumer({
      groupId: `${this.options.groupIdPrefix}.${randomUUID()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.progress.advance(payload.topic, payload.partition, Number(payload.lastOffset) + 1);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.progress.fail(payload.error);
      logger.warn(
        {
          event: 'kafka.follower_crash',
          topic: topic.name,
          err: payload.error,
          restart: payload.restart,
        },
        'topic follower crashed',
      );
    });
    await consumer.connect();
    await consumer.subscribe({
      topic: topic.name,
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
  }

  /**
   * Resolves once every record committed on the topic before the call has been handled.
   * `heartbeat` is called about once a second while waiting (for a caller inside a batch).
   * @throws CatchUpTimeoutError after `timeoutMs`.
   */
  async catchUp(timeoutMs: number, heartbeat?: () => Promise<void>): Promise<void> {
    if (this.admin === undefined) throw new Error('the follower is not started');
    await this.progress.catchUp(this.admin, [this.options.topic.name], timeoutMs, heartbeat);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.admin?.disconnect();
    this.consumer = undefined;
    this.admin = undefined;
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const { codec, topic } = this.options;
    // A registry outage throws here and the batch is fetched again; a record that can never be
    // read is skipped and reported: the rest of the topic must still be followed.
    const decoded = await codec.decodeAll(
      topic,
      batch.messages.map((m) => m.value),
    );
    for (let i = 0; i < batch.messages.length; i++) {
      const message = batch.messages[i]!;
      const key = message.key?.toString() ?? null;
      let value: EventTypes[E] | null = null;
      if (message.value !== null) {
        const result = decoded[i]!;
        if (result instanceof KanaryError) {
          this.options.onInvalid?.(result, {
            partition: batch.partition,
            offset: message.offset,
            key,
          });
          continue;
        }
        value = result;
      }
      await this.options.onRecord({
        partition: batch.partition,
        offset: message.offset,
        key,
        value,
        timestamp: Number(message.timestamp),
      });
    }
  }
}
