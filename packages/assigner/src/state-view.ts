import { KanaryError, isRetriable, type EventCodec, type TopicSpec } from '@kanary/contracts';
import { CatchUpTimeoutError, TopicFollower, type FollowedRecord } from '@kanary/kafka';
import type { Logger } from '@kanary/observability';
import { describeIssues, rolloutStateSchema, type RolloutBook } from '@kanary/rollout';
import type { Kafka } from 'kafkajs';

export interface StateViewOptions {
  kafka: Kafka;
  codec: EventCodec;
  topic: TopicSpec<'RolloutState'>;
  book: RolloutBook;
  logger: Logger;
  /** Called for every state that is skipped because it cannot be read (for a counter). */
  onInvalid?(): void;
  /** Prefix of the view's consumer group; a random suffix makes it unique per start. */
  groupIdPrefix: string;
  /** Longest a {@link StateView.catchUp} may take, ms. */
  timeoutMs: number;
}

/**
 * Follows the compacted `rollout.state` topic into a {@link RolloutBook} — the router's, or an
 * in-process assigner's — in a consumer group of its own that commits nothing: every instance
 * sees every state, and a restart re-reads the compacted topic, which is the restore. Restored states are
 * validated ({@link rolloutStateSchema}); an invalid one is skipped, counted and logged, so the
 * other models keep routing. A tombstone removes the model (it falls back to its default).
 */
export class StateView {
  private readonly follower: TopicFollower<'RolloutState'>;

  constructor(private readonly options: StateViewOptions) {
    this.follower = new TopicFollower({
      kafka: options.kafka,
      codec: options.codec,
      topic: options.topic,
      logger: options.logger,
      groupIdPrefix: options.groupIdPrefix,
      onRecord: (record) => this.onRecord(record),
      onInvalid: (error, meta) => this.invalid(error, meta),
    });
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  /**
   * The read-your-writes barrier: resolves once every state committed on the topic before the
   * call is in the book. Right after a topic is created or a leader moves, the broker may answer
   * the end-offset query with "not the leader" for a moment; that is retried within the timeout.
   * @throws CatchUpTimeoutError after the configured timeout.
   */
  async catchUp(heartbeat?: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.follower.catchUp(Math.max(1, deadline - Date.now()), heartbeat);
        return;
      } catch (e) {
        if (e instanceof CatchUpTimeoutError || !isRetriable(e) || Date.now() >= deadline) throw e;
        await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 50 * 2 ** attempt)));
      }
    }
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  private onRecord({ key, value, partition, offset }: FollowedRecord<'RolloutState'>): void {
    const { book, logger } = this.options;
    if (value === null) {
      if (key !== null && book.remove(key)) {
        logger.info({ event: 'rollout_state.deleted', model: key }, 'rollout state deleted');
      }
      return;
    }
    const parsed = rolloutStateSchema.safeParse(value);
    if (parsed.success) book.offer(parsed.data);
    else {
      const message = `invalid RolloutState: ${describeIssues(parsed.error)}`;
      this.invalid(new KanaryError('INVALID_STATE', message), { partition, offset, key });
    }
  }

  private invalid(error: unknown, meta: { partition: number; offset: string; key: string | null }) {
    this.options.onInvalid?.();
    this.options.logger.error(
      { event: 'rollout_state.invalid', ...meta, err: error },
      'skipped an unreadable rollout.state record',
    );
  }
}
