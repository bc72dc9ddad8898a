import type { EventCodec, RolloutCommand, RoutedRequest, TopicCatalog } from '@kanary/contracts';
import type { Kafka, Producer } from 'kafkajs';

/**
 * Publishes what the HTTP API produces: assignments on `inference.routed` and operator commands
 * on `rollout.commands` (keyed by model, so a model's commands stay in order). One idempotent
 * producer: a retried send cannot duplicate or reorder records. Each call resolves once every
 * in-sync replica has the records, so a 2xx answer means they are durable.
 */
export class RecordPublisher {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    private readonly topics: Pick<TopicCatalog, 'routed' | 'commands'>,
  ) {}

  async connect(): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    this.producer = producer;
  }

  async routed(records: readonly RoutedRequest[]): Promise<void> {
    const messages = await Promise.all(
      records.map(async (value) => ({
        key: value.requestId,
        value: await this.codec.encode(this.topics.routed, value),
      })),
    );
    await this.connected().send({ topic: this.topics.routed.name, messages, acks: -1 });
  }

  async command(command: RolloutCommand): Promise<void> {
    const value = await this.codec.encode(this.topics.commands, command);
    await this.connected().send({
      topic: this.topics.commands.name,
      messages: [{ key: command.model, value }],
      acks: -1,
    });
  }

  async disconnect(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private connected(): Producer {
    if (this.producer === undefined) throw new Error('the record publisher is not connected');
    return this.producer;
  }
}
