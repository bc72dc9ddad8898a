import {
  type CompressionTypes,
  Kafka,
  type KafkaConfig,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { DefaultPartitioner } from './key-partition.js';

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
 * The kafkajs client every Kanary component uses. Its producers:
 * - partition keyed records as the Java client does, with a fast murmur2 (`DefaultPartitioner`
 *   of key-partition.ts) instead of kafkajs' own, unless their config names a partitioner;
 * - compress with `compression` (when given) unless a send says otherwise: plain sends, batches
 *   and the sends of transactions alike. kafkajs has no producer-wide compression setting (it is
 *   an argument of every send), so the default is applied here, where every Kanary producer is
 *   made, instead of at each of their sends.
 */
export class KanaryKafka extends Kafka {
  constructor(
    config: KafkaConfig,
    private readonly compression: CompressionTypes | undefined,
  ) {
    super(config);
  }

  override producer(config?: ProducerConfig): Producer {
    const producer = super.producer({ createPartitioner: DefaultPartitioner, ...config });
    const { compression } = this;
    if (compression === undefined) return producer;
    compressByDefault(producer, compression);
    const transaction = producer.transaction.bind(producer);
    producer.transaction = async () => compressByDefault(await transaction(), compression);
    return producer;
  }
}
