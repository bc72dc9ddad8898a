import type { EventCodec, TopicCatalog } from '@kanary/contracts';
import type { Logger } from '@kanary/observability';
import type { Kafka } from 'kafkajs';

/** What following rollouts and sending commands needs: clients, topic names, a logger. */
export interface RolloutClientContext {
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  readonly logger: Logger;
  readonly catalog: TopicCatalog;
  readonly connection: { readonly topicPrefix: string };
}
