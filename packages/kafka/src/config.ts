import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KAFKA_COMPRESSIONS, type KafkaCompression } from './compression.js';
import { envField } from './env.js';

const hostPort = /^[^\s:,]+:\d{1,5}$/;

/** Environment variables shared by every service that talks to Kafka and the schema registry. */
export const kafkaEnvShape = {
  /** Comma-separated bootstrap servers. */
  KAFKA_BROKERS: z
    .string({
      required_error: 'is required (comma-separated host:port list, e.g. localhost:19092)',
    })
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b !== ''),
    )
    .refine(
      (bs) => bs.length > 0 && bs.every((b) => hostPort.test(b)),
      'must be a comma-separated list of host:port',
    ),
  KAFKA_CLIENT_ID: envField.optionalString(),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], {
      errorMap: () => ({ message: 'must be one of plain, scram-sha-256, scram-sha-512' }),
    })
    .optional(),
  KAFKA_SASL_USERNAME: envField.optionalString(),
  KAFKA_SASL_PASSWORD: envField.optionalString(),
  KAFKA_TLS: envField.bool(false),
  KAFKA_TLS_CA_FILE: envField.optionalString(),
  KAFKA_TLS_CERT_FILE: envField.optionalString(),
  KAFKA_TLS_KEY_FILE: envField.optionalString(),
  KAFKA_TLS_REJECT_UNAUTHORIZED: envField.bool(true),
  /**
   * Codec of the records this service produces (`none`, `gzip`, `snappy`, `lz4`, `zstd`, as
   * Kafka's `compression.type`). Reading needs no setting: every codec is always readable.
   * @default "none"
   */
  KAFKA_COMPRESSION: z
    .string()
    .optional()
    .transform((s, ctx): KafkaCompression => {
      const name = s?.trim().toLowerCase() || 'none';
      if ((KAFKA_COMPRESSIONS as readonly string[]).includes(name)) return name as KafkaCompression;
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be one of ${KAFKA_COMPRESSIONS.join(', ')}`,
      });
      return z.NEVER;
    }),
  /**
   * Kafka Streams' `commit.interval.ms` for the exactly-once stages (router, model worker,
   * evaluator): 0 commits each fetched batch at once (lowest latency); a positive value gathers
   * up to that many ms of records per fetch, so each partition commits about once per interval
   * (fewer, larger transactions) and records wait up to the interval.
   * @default 0
   */
  KAFKA_COMMIT_INTERVAL_MS: envField.int(0, { min: 0, max: 60_000 }),
  SCHEMA_REGISTRY_URL: z
    .string({
      required_error:
        'is required (Confluent-compatible API, e.g. http://localhost:18081/apis/ccompat/v7)',
    })
    .url('must be a URL'),
  SCHEMA_REGISTRY_USERNAME: envField.optionalString(),
  SCHEMA_REGISTRY_PASSWORD: envField.optionalString(),
  KANARY_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]+$/, 'may contain only letters, digits, ".", "_" and "-"')
    .default('kanary'),
  KANARY_DATA_PARTITIONS: envField.int(4, { min: 1, max: 10_000 }),
  /** Unique, stable id of this instance: names its private consumer groups and its metrics. */
  KANARY_INSTANCE_ID: envField.optionalString(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

type KafkaEnv = z.output<z.ZodObject<typeof kafkaEnvShape>>;

/** Connection settings after validation, with units and files resolved once. */
export interface KafkaConnectionConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly sasl?:
    | {
        readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
        readonly username: string;
        readonly password: string;
      }
    | undefined;
  readonly ssl?:
    | {
        readonly rejectUnauthorized: boolean;
        readonly ca?: string;
        readonly cert?: string;
        readonly key?: string;
      }
    | boolean
    | undefined;
  /** Codec of produced records unless a send names one; every codec is readable regardless. */
  readonly compression: KafkaCompression;
  /** Exactly-once stages: how long a fetch gathers records before a batch commits; 0 at once. */
  readonly commitIntervalMs: number;
  readonly registry: {
    readonly url: string;
    readonly auth?: { username: string; password: string } | undefined;
  };
  readonly topicPrefix: string;
  readonly dataPartitions: number;
  readonly instanceId: string;
}

/** Adds the cross-field rules (SASL needs credentials, TLS files must be readable). */
export const kafkaEnvSchema = z.object(kafkaEnvShape).superRefine((env, ctx) => {
  if (env.KAFKA_SASL_MECHANISM) {
    for (const v of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (!env[v])
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [v],
          message: `is required when KAFKA_SASL_MECHANISM is set`,
        });
    }
  }
  for (const v of ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE'] as const) {
    const file = env[v];
    if (file === undefined) continue;
    try {
      readFileSync(file);
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [v],
        message: `cannot read ${file}: ${(e as Error).message}`,
      });
    }
  }
  if (Boolean(env.KAFKA_TLS_CERT_FILE) !== Boolean(env.KAFKA_TLS_KEY_FILE)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['KAFKA_TLS_KEY_FILE'],
      message: 'a client certificate needs both KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE',
    });
  }
});

/** Turns validated env into connection settings; `service` names the default client id. */
export function toKafkaConnection(env: KafkaEnv, service: string): KafkaConnectionConfig {
  const tlsFiles = env.KAFKA_TLS_CA_FILE || env.KAFKA_TLS_CERT_FILE;
  const ssl =
    env.KAFKA_TLS || tlsFiles
      ? {
          rejectUnauthorized: env.KAFKA_TLS_REJECT_UNAUTHORIZED,
          ...(env.KAFKA_TLS_CA_FILE ? { ca: readFileSync(env.KAFKA_TLS_CA_FILE, 'utf8') } : {}),
          ...(env.KAFKA_TLS_CERT_FILE
            ? { cert: readFileSync(env.KAFKA_TLS_CERT_FILE, 'utf8') }
            : {}),
          ...(env.KAFKA_TLS_KEY_FILE ? { key: readFileSync(env.KAFKA_TLS_KEY_FILE, 'utf8') } : {}),
        }
      : undefined;
  return Object.freeze({
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID ?? `kanary-${service}`,
    sasl:
      env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? {
            mechanism: env.KAFKA_SASL_MECHANISM,
            username: env.KAFKA_SASL_USERNAME,
            password: env.KAFKA_SASL_PASSWORD,
          }
        : undefined,
    ssl,
    compression: env.KAFKA_COMPRESSION,
    commitIntervalMs: env.KAFKA_COMMIT_INTERVAL_MS,
    registry: {
      url: env.SCHEMA_REGISTRY_URL,
      auth:
        env.SCHEMA_REGISTRY_USERNAME && env.SCHEMA_REGISTRY_PASSWORD
          ? { username: env.SCHEMA_REGISTRY_USERNAME, password: env.SCHEMA_REGISTRY_PASSWORD }
          : undefined,
    },
    topicPrefix: env.KANARY_TOPIC_PREFIX,
    dataPartitions: env.KANARY_DATA_PARTITIONS,
    instanceId: env.KANARY_INSTANCE_ID ?? `${service}-0`,
  });
}
