import type { EventCodec, RolloutCommand, RoutedRequest, TopicCatalog } from '@kanary/contracts';
import { GroupCommit } from '@kanary/kafka';
import type { Kafka, Message, Producer } from 'kafkajs';

/** How routed records of concurrent calls share produces (see {@link GroupCommit}). */
export interface RoutedGrouping {
  readonly lingerMs: number;
  readonly maxBatch: number;
  readonly maxPending: number;
  /** Told the size of each produce. */
  onProduce?(records: number): void;
}

/**
 * Publishes what the HTTP API produces: assignments on `inference.routed` and operator commands
 * on `rollout.commands` (keyed by model, so a model's commands stay in order). One idempotent
 * producer: a retried send cannot duplicate or reorder records. Each call resolves once every
 * in-sync replica has the records, so a 2xx answer means they are durable. Routed records of
 * concurrent calls are produced together (group commit): the producer has one request in flight,
 * and the records that arrive meanwhile go out in the next one.
 */
export class RecordPublisher {
  private producer: Producer | undefined;
  private readonly routedGroup: GroupCommit<Message>;
  /** The routed topic's synchronous encoder, once its schema id is known. */
  private routedEncoder: Promise<(value: RoutedRequest) => Buffer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    private readonly topics: Pick<TopicCatalog, 'routed' | 'commands'>,
    grouping: RoutedGrouping = { lingerMs: 0, maxBatch: 1_000, maxPending: 20_000 },
  ) {
    this.routedGroup = new GroupCommit<Message>({
      ...grouping,
      write: async (messages) => {
        await this.connected().send({
          topic: this.topics.routed.name,
          messages: [...messages],
          acks: -1,
        });
      },
      ...(grouping.onProduce ? { onWrite: grouping.onProduce } : {}),
    });
  }

  async connect(): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    this.producer = producer;
  }

  /**
   * Records routed requests; resolves once they are durable.
   * @throws GroupCommitFullError when `maxPending` records are already waiting.
   */
  async routed(records: readonly RoutedRequest[]): Promise<void> {
    const encode = await this.encoderOfRouted();
    const messages = records.map((value) => ({ key: value.requestId, value: encode(value) }));
    await this.routedGroup.submit(messages);
  }

  /** One registry lookup for all calls; a failed lookup is asked again by the next call. */
  private encoderOfRouted(): Promise<(value: RoutedRequest) => Buffer> {
    if (this.routedEncoder === undefined) {
      const encoder = this.codec.encoder(this.topics.routed);
      this.routedEncoder = encoder;
      encoder.catch(() => {
        if (this.routedEncoder === encoder) this.routedEncoder = undefined;
      });
    }
    return this.routedEncoder;
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
    await this.routedGroup.drain();
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private connected(): Producer {
    if (this.producer === undefined) throw new Error('the record publisher is not connected');
    return this.producer;
  }
}
