import { ConfigError } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { kafkaEnvSchema, toKafkaConnection } from './config.js';
import { envField, loadEnvConfig } from './env.js';

const base = {
  KAFKA_BROKERS: 'localhost:19092',
  SCHEMA_REGISTRY_URL: 'http://localhost:18081/apis/ccompat/v7',
};

describe('kafka configuration', () => {
  it('applies defaults and resolves connection settings', () => {
    const env = loadEnvConfig(kafkaEnvSchema, base);
    const conn = toKafkaConnection(env, 'router');
    expect(conn).toMatchObject({
      brokers: ['localhost:19092'],
      clientId: 'kanary-router',
      topicPrefix: 'kanary',
      dataPartitions: 4,
      instanceId: 'router-0',
      sasl: undefined,
      ssl: undefined,
      compression: 'none',
      commitIntervalMs: 0,
    });
    expect(Object.isFrozen(env)).toBe(true);
    const gathered = loadEnvConfig(kafkaEnvSchema, { ...base, KAFKA_COMMIT_INTERVAL_MS: '100' });
    expect(toKafkaConnection(gathered, 'router').commitIntervalMs).toBe(100);
  });

  it('plumbs SASL SCRAM and TLS', () => {
    const env = loadEnvConfig(kafkaEnvSchema, {
      ...base,
      KAFKA_BROKERS: 'b1:9093, b2:9093',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'kanary',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_TLS: 'true',
      KAFKA_TLS_REJECT_UNAUTHORIZED: 'false',
    });
    const conn = toKafkaConnection(env, 'decision');
    expect(conn.brokers).toEqual(['b1:9093', 'b2:9093']);
    expect(conn.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'kanary', password: 'pw' });
    expect(conn.ssl).toEqual({ rejectUnauthorized: false });
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    [
      'missing brokers',
      { SCHEMA_REGISTRY_URL: base.SCHEMA_REGISTRY_URL },
      /KAFKA_BROKERS \(unset\): is required/,
    ],
    [
      'malformed brokers',
      { ...base, KAFKA_BROKERS: 'localhost' },
      /KAFKA_BROKERS \("localhost"\): must be a comma-separated list of host:port/,
    ],
    [
      'bad registry url',
      { ...base, SCHEMA_REGISTRY_URL: 'nope' },
      /SCHEMA_REGISTRY_URL \("nope"\): must be a URL/,
    ],
    [
      'unknown SASL mechanism',
      { ...base, KAFKA_SASL_MECHANISM: 'gssapi' },
      /KAFKA_SASL_MECHANISM .*must be one of plain/,
    ],
    [
      'SASL without password',
      { ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' },
      /KAFKA_SASL_PASSWORD \(unset\): is required when KAFKA_SASL_MECHANISM is set/,
    ],
    [
      'unreadable CA file',
      { ...base, KAFKA_TLS_CA_FILE: '/nonexistent/ca.pem' },
      /KAFKA_TLS_CA_FILE .*cannot read \/nonexistent\/ca.pem/,
    ],
    [
      'bad partitions',
      { ...base, KANARY_DATA_PARTITIONS: 'many' },
      /KANARY_DATA_PARTITIONS \("many"\): must be an integer/,
    ],
    [
      'bad boolean',
      { ...base, KAFKA_TLS: 'maybe' },
      /KAFKA_TLS \("maybe"\): must be true or false/,
    ],
    [
      'negative commit interval',
      { ...base, KAFKA_COMMIT_INTERVAL_MS: '-5' },
      /KAFKA_COMMIT_INTERVAL_MS \("-5"\)/,
    ],
    [
      'unknown compression codec',
      { ...base, KAFKA_COMPRESSION: 'brotli' },
      /KAFKA_COMPRESSION \("brotli"\): must be one of none, gzip, snappy, lz4, zstd/,
    ],
  ];
  it.each(bad)('fails on %s naming the variable', (_name, env, message) => {
    expect(() => loadEnvConfig(kafkaEnvSchema, env)).toThrow(ConfigError);
    expect(() => loadEnvConfig(kafkaEnvSchema, env)).toThrow(message);
  });

  it.each([
    [undefined, 'none'],
    ['', 'none'],
    ['none', 'none'],
    ['gzip', 'gzip'],
    ['snappy', 'snappy'],
    ['LZ4', 'lz4'],
    [' zstd ', 'zstd'],
  ])('reads KAFKA_COMPRESSION=%j as %s', (value, compression) => {
    const env = loadEnvConfig(kafkaEnvSchema, { ...base, KAFKA_COMPRESSION: value });
    expect(toKafkaConnection(env, 'router').compression).toBe(compression);
  });

  it('never prints a secret value in the error', () => {
    const schema = z.object({
      OPERATOR_TOKEN: z.string().min(32, 'must be at least 32 characters'),
    });
    expect(() => loadEnvConfig(schema, { OPERATOR_TOKEN: 'short-secret' })).toThrow(
      /OPERATOR_TOKEN \(set\): must be at least 32/,
    );
    try {
      loadEnvConfig(schema, { OPERATOR_TOKEN: 'short-secret' });
    } catch (e) {
      expect((e as Error).message).not.toContain('short-secret');
    }
  });

  it('envField parsers accept documented forms', () => {
    const s = z.object({
      A: envField.int(5, { min: 1 }),
      B: envField.list(['x']),
      C: envField.number(0.5, { min: 0, max: 1 }),
    });
    expect(loadEnvConfig(s, {})).toEqual({ A: 5, B: ['x'], C: 0.5 });
    expect(loadEnvConfig(s, { A: '7', B: 'p, q', C: '0.25' })).toEqual({
      A: 7,
      B: ['p', 'q'],
      C: 0.25,
    });
  });
});
