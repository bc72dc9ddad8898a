import { ConfigError } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { loadRouterConfig } from './config.js';

const base = {
  KAFKA_BROKERS: 'localhost:19092',
  SCHEMA_REGISTRY_URL: 'http://localhost:18081/apis/ccompat/v7',
};

describe('loadRouterConfig', () => {
  it('applies the defaults', () => {
    const config = loadRouterConfig(base);
    expect(config).toMatchObject({
      defaultVariants: {},
      http: { port: 8080, host: '0.0.0.0', bodyLimitBytes: 65_536 },
      operatorToken: undefined,
      commandWaitMs: 10_000,
      restoreTimeoutMs: 60_000,
      groupId: 'kanary.router',
      sessionTimeoutMs: 15_000,
      maxBytesPerPartition: 131_072,
      assignRetry: { windowMs: 120_000, maxRequests: 20_000 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the router variables', () => {
    const config = loadRouterConfig({
      ...base,
      KANARY_TOPIC_PREFIX: 'demo',
      ROUTER_DEFAULT_VARIANTS: 'weather=weather-logreg-v1,other=v1',
      ROUTER_HTTP_PORT: '0',
      ROUTER_OPERATOR_TOKEN: '9f2c4e7a1b3d5f6e8a0c',
      ROUTER_BODY_LIMIT_BYTES: '2048',
      ROUTER_ASSIGN_RETRY_WINDOW_MS: '0',
      ROUTER_ASSIGN_RETRY_MAX_REQUESTS: '500',
    });
    expect(config.assignRetry).toEqual({ windowMs: 0, maxRequests: 500 });
    expect(config.defaultVariants).toEqual({ weather: 'weather-logreg-v1', other: 'v1' });
    expect(config.http.port).toBe(0);
    expect(config.http.bodyLimitBytes).toBe(2048);
    expect(config.operatorToken).toBe('9f2c4e7a1b3d5f6e8a0c');
    expect(config.groupId).toBe('demo.router');
  });

  it.each([
    { variable: 'ROUTER_DEFAULT_VARIANTS', value: 'weather', message: 'model=variant' },
    { variable: 'ROUTER_HTTP_PORT', value: '70000', message: 'integer in [0, 65535]' },
    { variable: 'ROUTER_BODY_LIMIT_BYTES', value: '10', message: 'integer in [1024' },
    { variable: 'ROUTER_OPERATOR_TOKEN', value: 'short', message: 'at least 16' },
    { variable: 'KAFKA_BROKERS', value: 'nope', message: 'host:port' },
    { variable: 'ROUTER_ASSIGN_RETRY_WINDOW_MS', value: '-1', message: 'integer in [0' },
    { variable: 'ROUTER_ASSIGN_RETRY_MAX_REQUESTS', value: 'many', message: 'integer in [0' },
  ])('names $variable when it is invalid', ({ variable, value, message }) => {
    let error: unknown;
    try {
      loadRouterConfig({ ...base, [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).toContain(message);
  });

  it('never shows the operator token in the error', () => {
    expect(() => loadRouterConfig({ ...base, ROUTER_OPERATOR_TOKEN: 'shortpw' })).toThrow(
      /ROUTER_OPERATOR_TOKEN \(set\)/,
    );
  });
});
