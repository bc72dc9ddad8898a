import type { Logger } from '@kanary/observability';
import { type Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { registerCompressionCodecs } from './compression-codecs.js';
import { compressionType, KafkaCompression } from './compression.js';
import type { KafkaConnectionConfig } from './config.js';
import { KanaryKafka } from './kanary-kafka.js';

const levelName: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The broker's CONCURRENT_TRANSACTIONS: a transaction began while the previous one's markers were
 * still being written. Routine between back-to-back transactions and retried at once (see
 * TRANSACTIONAL_RETRY); kafkajs logs each refusal and retry as an error.
 */
const CONCURRENT_TRANSACTIONS = 'another concurrent operation on the same transaction';

/** The level a kafkajs log line is logged at: INFO is chatty (debug), routine retries too. */
export function kafkaLogLevel(
  level: number,
  log: { readonly message?: unknown; readonly error?: unknown },
): 'error' | 'warn' | 'info' | 'debug' {
  if (level === logLevel.INFO) return 'debug';
  const text = `${String(log.message ?? '')} ${String(log.error ?? '')}`;
  if (text.includes(CONCURRENT_TRANSACTIONS)) return 'debug';
  return levelName[level] ?? 'debug';
}

/** Routes kafkajs' log lines into the service's pino logger, at {@link kafkaLogLevel}. */
function pinoLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      logger[kafkaLogLevel(level, log)]({ event: 'kafka.client', ...extra }, message);
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
  return new KanaryKafka(
    config,
    connection.compression === KafkaCompression.NONE
      ? undefined
      : compressionType(connection.compression),
  );
}
