import {
  EventCodec,
  topicCatalog,
  type EventName,
  type EventTypes,
  type TopicCatalog,
  type TopicSpec,
} from '@kanary/contracts';
import {
  createKafka,
  ensureTopics,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
} from '@kanary/kafka';
import { createLogger, type Logger } from '@kanary/observability';
import {
  collectMessages,
  connectedAdmin,
  testInfra,
  uniqueTopic,
  type MessageCollector,
} from '@kanary/testkit';
import type { Kafka } from 'kafkajs';

export interface TrafficFixture {
  readonly prefix: string;
  readonly catalog: TopicCatalog;
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  readonly logger: Logger;
}

/** A fresh topic prefix with every catalog topic created, and clients for the test broker. */
export async function trafficFixture(dataPartitions = 2): Promise<TrafficFixture> {
  const prefix = uniqueTopic('tr');
  const infra = testInfra();
  const connection = toKafkaConnection(
    loadEnvConfig(kafkaEnvSchema, {
      KAFKA_BROKERS: infra.brokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      KANARY_TOPIC_PREFIX: prefix,
    }),
    'traffic-test',
  );
  const catalog = topicCatalog({ prefix, dataPartitions });
  await ensureTopics(await connectedAdmin(), catalog);
  const logger = createLogger({ service: 'traffic-test', level: 'silent', pretty: false });
  return {
    prefix,
    catalog,
    kafka: createKafka(connection, logger),
    codec: new EventCodec(connection.registry),
    logger,
  };
}

export interface Decoded<E extends EventName> {
  readonly value: EventTypes[E];
  /** Kafka record timestamp, epoch ms. */
  readonly recordTimestamp: number;
}

/** Collects a topic's records (read_committed, from the beginning), decoded. */
export function collectDecoded<E extends EventName>(
  f: TrafficFixture,
  topic: TopicSpec<E>,
): Promise<MessageCollector<Decoded<E>>> {
  return collectMessages<Decoded<E>>(topic.name, {
    map: async (r) => ({
      value: await f.codec.decode(topic, r.value),
      recordTimestamp: Number(r.timestamp),
    }),
  });
}
