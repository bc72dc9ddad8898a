import type { Logger } from '@kanary/observability';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { registerCompressionCodecs } from './compression-codecs.js';
import { compressionType, KafkaCompression } from './compression.js';
import type { KafkaConnectionConfig } from './config.js';
import { DefaultCompressionKafka } from './default-compression.js';

const levelName: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Routes kafkajs' log lines into the service's pino logger (kafkajs INFO is chatty: logged as debug). */
function pinoLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const name = level === logLevel.INFO ? 'debug' : (levelName[level] ?? 'debug');
      logger[name]({ event: 'kafka.client', ...extra }, message);
    };
}

/**
 * The only place Kanary builds a kafkajs client: brokers, client id, SASL (PLAIN, SCRAM-SHA-256
 * and -512) and TLS come from validated configuration, retries use exponential backoff. Every
 * compression codec (gzip, Snappy, LZ4, ZSTD) is registered, so its consumers read whatever a
 * producer in any language compressed with, and its producers compress with
 * `connection.compression` unless a send names a codec itself.
 */
export function createKafka(
  connection: KafkaConnectionConfig,
  logger: Logger,
  overrides: Partial<KafkaConfig> = {},
): Kafka {
  registerCompressionCodecs();
  const sasl: SASLOptions | undefined = connection.sasl ? { ...connection.sasl } : undefined;
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    ...(sasl ? { sasl } : {}),
    ...(connection.ssl !== undefined ? { ssl: connection.ssl } : {}),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, maxRetryTime: 10_000, retries: 12, factor: 0.2, multiplier: 2 },
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(logger),
    ...overrides,
  };
  return connection.compression === KafkaCompression.NONE
    ? new Kafka(config)
    : new DefaultCompressionKafka(config, compressionType(connection.compression));
}
