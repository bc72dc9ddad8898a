import { randomUUID } from 'node:crypto';
import { KanaryError, isRetriable, type EventCodec, type TopicSpec } from '@kanary/contracts';
import type { Logger } from '@kanary/observability';
import { rolloutStateSchema } from '@kanary/rollout';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { describeIssues } from '../core/describe-issues.js';
import type { RolloutBook } from '../core/rollout-book.js';
import type { RouterMetrics } from './router-metrics.js';

/** Reading `rollout.state` to its end took longer than allowed; retrying may help. */
export class StateRestoreTimeoutError extends KanaryError {
  constructor(message: string) {
    super('STATE_RESTORE_TIMEOUT', message, { retriable: true });
  }
}

export interface StateViewOptions {
  kafka: Kafka;
  codec: EventCodec;
  topic: TopicSpec<'RolloutState'>;
  book: RolloutBook;
  logger: Logger;
  metrics: RouterMetrics;
  /** Prefix of the view's consumer group; a random suffix makes it unique per start. */
  groupIdPrefix: string;
  /** Longest a {@link StateView.catchUp} may wait, ms. */
  timeoutMs: number;
}

/**
 * Follows the compacted `rollout.state` topic from the beginning (read_committed) into the
 * {@link RolloutBook}, on every router instance. The consumer group is unique to this start and
 * commits nothing: every instance must see every state, and a restart re-reads the compacted
 * topic, which is the restore.
 *
 * {@link catchUp} is the read-your-writes barrier: it resolves once the view has consumed
 * everything committed on the topic when it was called (the last stable offsets of every
 * partition). The position per partition comes from kafkajs' end-of-batch events, which also
 * fire for batches holding only transaction markers or aborted records, so a topic that ends
 * with a commit marker is still reached.
 */
export class StateView {
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  /** Next offset to read, per partition. */
  private readonly positions = new Map<number, number>();
  private readonly progress = new Set<() => void>();
  private failure: unknown;

  constructor(private readonly options: StateViewOptions) {}

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
      const next = Number(payload.lastOffset) + 1;
      if (next > (this.positions.get(payload.partition) ?? 0)) {
        this.positions.set(payload.partition, next);
        for (const wake of [...this.progress]) wake();
      }
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.failure = payload.error;
      logger.warn(
        { event: 'router.state_view_crash', err: payload.error, restart: payload.restart },
        'rollout.state consumer crashed',
      );
      for (const wake of [...this.progress]) wake();
    });
    await consumer.connect();
    await consumer.subscribe({ topic: topic.name, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
  }

  /**
   * Resolves once every state committed on the topic before the call is in the book.
   * `heartbeat` is called about once a second while waiting, for a caller that holds a group
   * membership (the command applier, inside a batch).
   * @throws StateRestoreTimeoutError after the configured timeout.
   */
  async catchUp(heartbeat?: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    const ends = await this.endOffsets(deadline);
    const behind = () =>
      ends.filter(({ partition, offset, low }) => {
        const target = Number(offset);
        return target > Number(low) && (this.positions.get(partition) ?? 0) < target;
      });
    while (behind().length > 0) {
      if (this.failure !== undefined) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) {
        const detail = behind()
          .map(
            ({ partition, offset }) =>
              `p${partition} at ${this.positions.get(partition) ?? 0} of ${offset}`,
          )
          .join(', ');
        throw new StateRestoreTimeoutError(
          `${this.options.topic.name} not read to its end within ${this.options.timeoutMs} ms (${detail})`,
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.progress.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 1_000));
        this.progress.add(wake);
      });
      await heartbeat?.();
    }
  }

  /**
   * The topic's last stable offsets. Right after a topic is created or a leader moves, the broker
   * may answer "not the leader" for a moment, which kafkajs' admin does not retry itself.
   */
  private async endOffsets(deadline: number) {
    const admin = this.admin;
    if (admin === undefined) throw new Error('the state view is not started');
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await admin.fetchTopicOffsets(this.options.topic.name);
      } catch (e) {
        if (!isRetriable(e) || Date.now() >= deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.admin?.disconnect();
    this.consumer = undefined;
    this.admin = undefined;
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const { codec, topic, book, logger, metrics } = this.options;
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? null;
      if (message.value === null) {
        if (key !== null && book.remove(key)) {
          logger.info({ event: 'router.state_deleted', model: key }, 'rollout state deleted');
        }
        continue;
      }
      try {
        const decoded = await codec.decode(topic, message.value);
        const parsed = rolloutStateSchema.safeParse(decoded);
        if (!parsed.success) {
          throw new KanaryError(
            'INVALID_STATE',
            `invalid RolloutState: ${describeIssues(parsed.error)}`,
          );
        }
        book.offer(parsed.data);
      } catch (e) {
        // A registry outage is retried by kafkajs (the batch is fetched again); a state that can
        // never be read is skipped, counted and logged: the other models must keep routing.
        if (isRetriable(e)) throw e;
        metrics.invalidState();
        logger.error(
          {
            event: 'router.state_invalid',
            partition: batch.partition,
            offset: message.offset,
            key,
            err: e,
          },
          'skipped an unreadable rollout.state record',
        );
      }
    }
  }
}
