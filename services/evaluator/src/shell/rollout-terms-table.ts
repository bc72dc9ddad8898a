import type { EventCodec, TopicCatalog } from '@kanary/contracts';
import { rolloutTerms, type RolloutTerms } from '@kanary/evidence';
import { TopicFollower } from '@kanary/kafka';
import type { Logger } from '@kanary/observability';
import type { PolicyInput } from '@kanary/rollout';
import type { Kafka } from 'kafkajs';

export interface RolloutTermsTableOptions {
  kafka: Kafka;
  codec: EventCodec;
  catalog: TopicCatalog;
  logger: Logger;
  /** Prefix of the follower's consumer group (unique per start). */
  groupIdPrefix: string;
  defaultPolicy: PolicyInput | undefined;
}

/**
 * The terms every rollout's evidence is folded with (start, label maturity window, bucket width,
 * state seq), from the compacted `rollout.state` topic read in full by every instance — Kafka
 * Streams' global table. Small: one entry per rollout ever started.
 */
export class RolloutTermsTable {
  private readonly terms = new Map<string, RolloutTerms>();
  private readonly follower: TopicFollower<'RolloutState'>;

  constructor(options: RolloutTermsTableOptions) {
    const { logger } = options;
    this.follower = new TopicFollower({
      kafka: options.kafka,
      codec: options.codec,
      topic: options.catalog.state,
      logger,
      groupIdPrefix: options.groupIdPrefix,
      onRecord: ({ value }) => {
        if (value === null) return;
        const known = this.terms.get(value.rolloutId);
        if (known !== undefined && known.epoch > value.seq) return;
        this.terms.set(value.rolloutId, rolloutTerms(value, options.defaultPolicy));
      },
      onInvalid: (err, meta) =>
        logger.warn(
          { event: 'evaluator.state_unreadable', err, ...meta },
          'a rollout state could not be read; its rollout is folded once a readable state comes',
        ),
    });
  }

  /** Starts following and resolves once everything on the topic has been read. */
  async start(timeoutMs: number): Promise<void> {
    await this.follower.start();
    await this.follower.catchUp(timeoutMs);
  }

  get(rolloutId: string): RolloutTerms | undefined {
    return this.terms.get(rolloutId);
  }

  /** Read-your-writes barrier: everything committed on the topic before the call is known after it. */
  catchUp(timeoutMs: number, heartbeat?: () => Promise<void>): Promise<void> {
    return this.follower.catchUp(timeoutMs, heartbeat);
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }
}
