import { EventCodec, topicCatalog, type TopicCatalog } from '@kanary/contracts';
import {
  createKafka,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from '@kanary/kafka';
import { createLogger, type Logger } from '@kanary/observability';
import type { Kafka } from 'kafkajs';

/** Defaults of the local stack started by `pnpm infra:up`. */
export const LOCAL_BROKERS = 'localhost:19092';
export const LOCAL_REGISTRY = 'http://localhost:18081/apis/ccompat/v7';

export interface GlobalOptions {
  brokers?: string;
  registry?: string;
  prefix?: string;
  partitions?: string;
  verbose?: boolean;
}

export interface CliContext {
  readonly connection: KafkaConnectionConfig;
  readonly catalog: TopicCatalog;
  readonly logger: Logger;
  readonly kafka: Kafka;
  readonly codec: EventCodec;
}

/** Flags win over environment variables, which win over the local stack's defaults. */
export function cliContext(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): CliContext {
  const merged = {
    ...env,
    KAFKA_BROKERS: options.brokers ?? env.KAFKA_BROKERS ?? LOCAL_BROKERS,
    SCHEMA_REGISTRY_URL: options.registry ?? env.SCHEMA_REGISTRY_URL ?? LOCAL_REGISTRY,
    ...(options.prefix ? { KANARY_TOPIC_PREFIX: options.prefix } : {}),
    ...(options.partitions ? { KANARY_DATA_PARTITIONS: options.partitions } : {}),
  };
  const connection = toKafkaConnection(loadEnvConfig(kafkaEnvSchema, merged), 'cli');
  const logger = createLogger({
    service: 'cli',
    level: options.verbose ? 'debug' : 'silent',
    destination: process.stderr,
  });
  const kafka = createKafka(connection, logger, {
    // An operator waits for an answer: fail within seconds when the broker is not there.
    retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 },
    connectionTimeout: 3_000,
  });
  return {
    connection,
    catalog: topicCatalog({
      prefix: connection.topicPrefix,
      dataPartitions: connection.dataPartitions,
    }),
    logger,
    kafka,
    codec: new EventCodec(connection.registry),
  };
}
