import {
  isRetriable,
  KanaryError,
  type DecisionReport,
  type EventCodec,
  type RolloutState,
  type TopicCatalog,
} from '@kanary/contracts';
import { decodeBatch, LazyAdmin, PendingOffsets, type OffsetToCommit } from '@kanary/kafka';
import type { Logger } from '@kanary/observability';
import type { Admin, Consumer, EachBatchPayload, Kafka, Message } from 'kafkajs';
import pRetry from 'p-retry';

/** Back-off of the start-up read of the group's committed offsets (see {@link NotificationFeed}). */
export interface OffsetsRetry {
  /** Retries after the first attempt; then start-up fails. */
  readonly retries: number;
  /** Wait before the first retry, ms; doubles per retry (with jitter) up to `maxDelayMs`. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * 0.2 s doubling to 5 s, 8 retries: 21 to 26 s of waiting in all (jitter) — longer than a
 * coordinator usually takes to load after a broker start, short enough that a broker that stays
 * away fails start-up (and the supervisor restarts the service) rather than hanging it.
 */
const OFFSETS_RETRY: OffsetsRetry = { retries: 8, minDelayMs: 200, maxDelayMs: 5_000 };

/** Where a notified record was read: dead letters of its notifications name it. */
export interface FeedSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface NotificationFeedOptions {
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  readonly topics: Pick<TopicCatalog, 'decisions' | 'state' | 'dlq'>;
  /** Shared by every instance: each partition's notifications are sent by one of them. */
  readonly groupId: string;
  /** How often finished records' offsets are committed, ms. */
  readonly commitIntervalMs: number;
  readonly logger: Logger;
  readonly service: string;
  /**
   * A decision report's notifications; resolves true once every target has it (delivered or
   * dead-lettered), false when they were abandoned (the service is stopping: not committed, so
   * sent again after the restart).
   */
  onReport(report: DecisionReport, source: FeedSource): Promise<boolean>;
  /** A state's notifications (phase changes, approvals); resolves as {@link onReport}. */
  onState(state: RolloutState, source: FeedSource): Promise<boolean>;
  /** Writes records that cannot be decoded to the dead-letter topic. */
  deadLetter(letters: readonly Message[]): Promise<void>;
  /** The consumer stopped for good. */
  onFatal(error: Error): void;
  /**
   * Back-off of the start-up read of the group's committed offsets.
   * @default 8 retries, 200 ms doubling to 5,000 ms
   */
  readonly offsetsRetry?: OffsetsRetry;
}

/**
 * Reads `rollout.decisions` and `rollout.state` for the notifications, in a consumer group of its
 * own with committed offsets — so what a webhook is told survives restarts: an offset is
 * committed only once every notification of the records before it was delivered or
 * dead-lettered ({@link PendingOffsets}); a crash sends the unfinished ones again (same dedupe
 * ids), and phase changes made while the service was down are sent when it is back.
 *
 * Deliveries never hold the reading up: each record is handed over and the next one read, so a
 * receiver that is down delays only its own queue. A group that has never committed (a new
 * installation) starts at the end of both topics, so history is not sent.
 */
export class NotificationFeed {
  private consumer: Consumer | undefined;
  private readonly admin: LazyAdmin;
  private readonly pending = new PendingOffsets();
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly options: NotificationFeedOptions) {
    this.admin = new LazyAdmin(options.kafka);
  }

  /** Records handed over whose notifications are not finished. */
  get unfinished(): number {
    return this.pending.unfinished;
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics, logger, onFatal } = this.options;
    const names = [topics.decisions.name, topics.state.name];
    await this.startAtEndIfNew(names);
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_500,
      maxWaitTimeInMs: 500,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.pending.assign(e.payload.memberAssignment);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      logger.warn(
        {
          event: 'decision.notification_feed_crash',
          err: e.payload.error,
          restart: e.payload.restart,
        },
        'notification feed consumer crashed',
      );
      if (!e.payload.restart) onFatal(e.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: names, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.handleBatch(payload) });
    this.timer = setInterval(() => void this.commit(), this.options.commitIntervalMs);
  }

  /**
   * Commits what is finished and leaves the group; call after the notifier stopped, so that
   * abandoned deliveries stay uncommitted.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer !== undefined) {
      // Committed while still a member: a stopped consumer has left its group.
      await this.commit(consumer);
      await consumer.disconnect();
    }
    await this.admin.disconnect();
  }

  /** A new group's offsets, set to the current end of both topics (read_committed). */
  private async startAtEndIfNew(names: readonly string[]): Promise<void> {
    const { groupId, logger } = this.options;
    const admin = await this.admin.get();
    const committed = await this.committedOffsets(admin, names);
    const isNew = committed.every((t) => t.partitions.every((p) => p.offset === '-1'));
    if (!isNew) return;
    try {
      for (const topic of names) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId,
          topic,
          partitions: ends.map((p) => ({ partition: p.partition, offset: p.offset })),
        });
      }
      logger.info(
        { event: 'decision.notification_feed_new', groupId },
        'notifications start at the end of rollout.decisions and rollout.state',
      );
    } catch (err) {
      // Another instance started the group first: its offsets stand.
      logger.debug(
        { event: 'decision.notification_feed_offsets_kept', err },
        'group already active',
      );
    }
  }

  /**
   * The group's committed offsets of `names`. Right after a broker starts, or while the group's
   * coordinator moves, the broker answers OffsetFetch with retriable errors (NOT_COORDINATOR,
   * COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE) that kafkajs' `fetchOffsets`, unlike
   * most of its admin calls, does not retry; failing here would stop the whole service. Errors
   * kafkajs marks retriable are retried with a bounded back-off, any other fails at once.
   * @throws KanaryError naming the group, with the last error as its cause.
   */
  private async committedOffsets(admin: Admin, names: readonly string[]) {
    const { groupId, logger, offsetsRetry = OFFSETS_RETRY } = this.options;
    let attempts = 0;
    try {
      return await pRetry(() => admin.fetchOffsets({ groupId, topics: [...names] }), {
        retries: offsetsRetry.retries,
        factor: 2,
        minTimeout: offsetsRetry.minDelayMs,
        maxTimeout: offsetsRetry.maxDelayMs,
        randomize: true,
        shouldRetry: ({ error }) => isRetriable(error),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          attempts = attemptNumber;
          if (retriesLeft > 0 && isRetriable(error)) {
            logger.info(
              { event: 'decision.notification_feed_offsets_retry', groupId, attempts, err: error },
              'reading the notification group offsets failed; retrying',
            );
          }
        },
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new KanaryError(
        'NOTIFICATION_OFFSETS_UNREADABLE',
        `could not read the committed offsets of consumer group "${groupId}" (notifications of ${names.join(', ')}) after ${attempts} attempt(s): ${reason}`,
        { retriable: isRetriable(err), cause: err },
      );
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topics, codec, service, logger } = this.options;
    if (!payload.isRunning() || payload.isStale()) return;
    const isState = batch.topic === topics.state.name;
    const { partition } = batch;
    const source = { partition, service };
    const { valid, rejected } = isState
      ? await decodeBatch(codec, { ...source, topic: topics.state }, batch.messages)
      : await decodeBatch(codec, { ...source, topic: topics.decisions }, batch.messages);
    if (rejected.length > 0) {
      for (const { offset, reason } of rejected) {
        logger.warn(
          {
            event: 'decision.notification_dead_letter',
            topic: batch.topic,
            partition,
            offset,
            reason,
          },
          'record sent to the dead-letter topic',
        );
      }
      await this.options.deadLetter(rejected.map((r) => r.letter));
    }
    for (const record of valid) {
      const finished = this.pending.add(batch.topic, partition, record.offset);
      const from = { topic: batch.topic, partition, offset: record.offset };
      const delivered = isState
        ? this.options.onState(record.value as RolloutState, from)
        : this.options.onReport(record.value as DecisionReport, from);
      void delivered.then(
        (done) => done && finished(),
        (err: unknown) =>
          logger.error(
            { event: 'decision.notification_failed', ...from, err },
            'notifying a record failed; it is sent again after a restart',
          ),
      );
    }
    this.pending.fetched(batch.topic, partition, (BigInt(batch.lastOffset()) + 1n).toString());
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
  }

  /** Commits the finished prefix of every assigned partition (one commit at a time). */
  private commit(consumer = this.consumer): Promise<void> {
    this.committing = this.committing.then(async () => {
      if (consumer === undefined) return;
      const offsets: OffsetToCommit[] = this.pending.toCommit();
      if (offsets.length === 0) return;
      try {
        await consumer.commitOffsets(offsets);
        this.pending.committed(offsets);
      } catch (err) {
        // A rebalance took the partitions: their new owner reads from the last commit.
        this.options.logger.debug(
          { event: 'decision.notification_commit_failed', err },
          'committing notification offsets failed; retried',
        );
      }
    });
    return this.committing;
  }
}
