import type { Logger } from '@kanary/observability';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaConnectionConfig } from './config.js';

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
 * and -512) and TLS come from validated configuration, retries use exponential backoff.
 */
export function createKafka(
  connection: KafkaConnectionConfig,
  logger: Logger,
  overrides: Partial<KafkaConfig> = {},
): Kafka {
  const sasl: SASLOptions | undefined = connection.sasl ? { ...connection.sasl } : undefined;
  return new Kafka({
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
  });
}
