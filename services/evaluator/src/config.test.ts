import { ConfigError } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const base = {
  KAFKA_BROKERS: 'localhost:19092',
  SCHEMA_REGISTRY_URL: 'http://localhost:18081/apis/ccompat/v7',
};

const failure = (env: Record<string, string | undefined>): string => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected loadConfig to fail');
};

describe('loadConfig', () => {
  it('applies the defaults, the join core’s included', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      join: {
        ttlMs: 7 * 24 * 3600 * 1000,
        numericTolerance: 0,
        maxPending: 250_000,
        metricsIntervalMs: 10_000,
        maxOutputChars: 128,
      },
      punctuateIntervalMs: 1_000,
      groupId: 'kanary.evaluator',
      transactionalIdPrefix: 'kanary.evaluator',
      sessionTimeoutMs: 15_000,
      heartbeatIntervalMs: 1_500,
      opsPort: 9_466,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.join)).toBe(true);
  });

  it('maps the variables onto the join settings and derives the ids', () => {
    const config = loadConfig({
      ...base,
      KANARY_TOPIC_PREFIX: 't1',
      KANARY_INSTANCE_ID: 'ev-3',
      EVALUATOR_TTL_MS: '2000',
      EVALUATOR_NUMERIC_TOLERANCE: '0.5',
      EVALUATOR_MAX_PENDING: '1000',
      EVALUATOR_METRICS_INTERVAL_MS: '500',
      EVALUATOR_SESSION_TIMEOUT_MS: '6000',
      EVALUATOR_HEARTBEAT_INTERVAL_MS: '500',
    });
    expect(config.join).toMatchObject({
      ttlMs: 2_000,
      numericTolerance: 0.5,
      maxPending: 1_000,
      metricsIntervalMs: 500,
    });
    expect(config.groupId).toBe('t1.evaluator');
    // The same on every instance: whoever takes a partition over fences its previous owner.
    expect(config.transactionalIdPrefix).toBe('t1.evaluator');
    expect(config.sessionTimeoutMs).toBe(6_000);
  });

  it.each([
    [{ EVALUATOR_TTL_MS: '0' }, /EVALUATOR_TTL_MS \("0"\): must be > 0/],
    [{ EVALUATOR_TTL_MS: '1.5' }, /EVALUATOR_TTL_MS \("1.5"\): must be whole milliseconds/],
    [{ EVALUATOR_TTL_MS: 'week' }, /EVALUATOR_TTL_MS \("week"\): must be a number/],
    [{ EVALUATOR_NUMERIC_TOLERANCE: '-1' }, /EVALUATOR_NUMERIC_TOLERANCE \("-1"\): must be >= 0/],
    [{ EVALUATOR_MAX_PENDING: '-5' }, /EVALUATOR_MAX_PENDING \("-5"\): must be > 0/],
    [{ EVALUATOR_METRICS_INTERVAL_MS: '0' }, /EVALUATOR_METRICS_INTERVAL_MS \("0"\)/],
    [{ EVALUATOR_LATENCY_RELATIVE_ACCURACY: '2' }, /EVALUATOR_LATENCY_RELATIVE_ACCURACY/],
    [{ EVALUATOR_PUNCTUATE_INTERVAL_MS: '0' }, /EVALUATOR_PUNCTUATE_INTERVAL_MS \("0"\)/],
    [{ OPS_PORT: '70000' }, /OPS_PORT \("70000"\)/],
    [
      { EVALUATOR_SESSION_TIMEOUT_MS: '6000', EVALUATOR_HEARTBEAT_INTERVAL_MS: '3000' },
      /EVALUATOR_HEARTBEAT_INTERVAL_MS \("3000"\): must be at most a third/,
    ],
    [{ KAFKA_BROKERS: undefined }, /KAFKA_BROKERS \(unset\): is required/],
  ])('rejects %o naming the variable', (overrides, message) => {
    expect(failure({ ...base, ...overrides })).toMatch(message);
  });

  it('reports every invalid variable at once', () => {
    const message = failure({ ...base, EVALUATOR_TTL_MS: '0', OPS_PORT: 'x' });
    expect(message).toMatch(/EVALUATOR_TTL_MS/);
    expect(message).toMatch(/OPS_PORT/);
  });
});
