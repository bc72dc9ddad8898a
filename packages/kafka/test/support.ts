import { EventCodec, topicCatalog, type TopicCatalog } from '@kanary/contracts';
import { createLogger, type Logger } from '@kanary/observability';
import { connectedAdmin, testInfra, uniqueTopic } from '@kanary/testkit';
import type { Kafka } from 'kafkajs';
import {
  createKafka,
  ensureTopics,
  ProcessorRunner,
  type ProcessorOptions,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '../src/index.js';

export interface ToolkitFixture {
  readonly prefix: string;
  readonly env: Record<string, string>;
  readonly connection: KafkaConnectionConfig;
  readonly catalog: TopicCatalog;
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  readonly logger: Logger;
}

/** A fresh topic prefix with all catalog topics created, and clients bound to the test broker. */
export async function toolkitFixture(dataPartitions = 2): Promise<ToolkitFixture> {
  const prefix = uniqueTopic('kt');
  const infra = testInfra();
  const env = {
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    KANARY_TOPIC_PREFIX: prefix,
    KANARY_DATA_PARTITIONS: String(dataPartitions),
  };
  const connection = toKafkaConnection(loadEnvConfig(kafkaEnvSchema, env), 'toolkit-test');
  const catalog = topicCatalog({ prefix, dataPartitions });
  const admin = await connectedAdmin();
  await ensureTopics(admin, catalog);
  const logger = createLogger({ service: 'toolkit-test', level: 'silent', pretty: false });
  return {
    prefix,
    env,
    connection,
    catalog,
    kafka: createKafka(connection, logger),
    codec: new EventCodec(connection.registry),
    logger,
  };
}

/**
 * A processor that copies each request to the labels topic (a stand-in transformation); every
 * runner of a group shares the group's transactional ids.
 */
export function copyRunner(
  f: Pick<ToolkitFixture, 'kafka' | 'codec' | 'logger' | 'catalog'>,
  groupId: string,
  overrides: Partial<ProcessorOptions<'InferenceRequest'>> = {},
): ProcessorRunner<'InferenceRequest'> {
  return new ProcessorRunner<'InferenceRequest'>({
    kafka: f.kafka,
    codec: f.codec,
    logger: f.logger,
    service: 'toolkit-test',
    groupId,
    inputs: [f.catalog.requests],
    dlq: f.catalog.dlq,
    mode: 'exactly-once',
    transactionalIdPrefix: `${groupId}.txn`,
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 },
    process: (records) =>
      Promise.resolve(
        records.map((r) => ({
          topic: f.catalog.labels,
          key: r.key,
          value: {
            requestId: r.value.requestId,
            model: r.value.model,
            label: 'copied',
            outcomes: null,
            timestamp: r.value.timestamp,
          },
        })),
      ),
    ...overrides,
  });
}
