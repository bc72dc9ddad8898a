import {
  type CompressionTypes,
  Kafka,
  type KafkaConfig,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';

type Sender = Pick<Producer, 'send' | 'sendBatch'>;

/** Makes `compression` the default of the sender's `send` and `sendBatch`; a call's own wins. */
function compressByDefault<S extends Sender>(sender: S, compression: CompressionTypes): S {
  const send = sender.send.bind(sender);
  const sendBatch = sender.sendBatch.bind(sender);
  sender.send = (record) => send({ ...record, compression: record.compression ?? compression });
  sender.sendBatch = (batch) =>
    sendBatch({ ...batch, compression: batch.compression ?? compression });
  return sender;
}

/**
 * A kafkajs client whose producers compress with `compression` unless a send says otherwise:
 * plain sends, batches and the sends of transactions alike. kafkajs has no producer-wide
 * compression setting (it is an argument of every send), so the default is applied here, where
 * every Kanary producer is made, instead of at each of their sends.
 */
export class DefaultCompressionKafka extends Kafka {
  constructor(
    config: KafkaConfig,
    private readonly compression: CompressionTypes,
  ) {
    super(config);
  }

  override producer(config?: ProducerConfig): Producer {
    const producer = compressByDefault(super.producer(config), this.compression);
    const transaction = producer.transaction.bind(producer);
    producer.transaction = async () => compressByDefault(await transaction(), this.compression);
    return producer;
  }
}
