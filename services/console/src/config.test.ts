import { ConfigError } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { loadConsoleConfig } from './config.js';

const base = {
  KAFKA_BROKERS: 'localhost:19092',
  SCHEMA_REGISTRY_URL: 'http://localhost:18081/apis/ccompat/v7',
};

describe('loadConsoleConfig', () => {
  it('applies the defaults', () => {
    const config = loadConsoleConfig(base);
    expect(config).toMatchObject({
      http: { port: 8090, host: '0.0.0.0' },
      operatorToken: undefined,
      commandWaitMs: 10_000,
      restoreTimeoutMs: 60_000,
      history: { rollouts: 200, points: 2_000 },
      pushIntervalMs: 1_000,
    });
    expect(config.connection.instanceId).toBe('console-0');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the console variables', () => {
    const config = loadConsoleConfig({
      ...base,
      CONSOLE_HTTP_PORT: '0',
      CONSOLE_OPERATOR_TOKEN: '9f2c4e7a1b3d5f6e8a0c',
      CONSOLE_MAX_POINTS: '500',
    });
    expect(config.http.port).toBe(0);
    expect(config.operatorToken).toBe('9f2c4e7a1b3d5f6e8a0c');
    expect(config.history.points).toBe(500);
  });

  it.each([
    { variable: 'CONSOLE_HTTP_PORT', value: '70000', message: 'integer in [0, 65535]' },
    { variable: 'CONSOLE_OPERATOR_TOKEN', value: 'short', message: 'at least 16' },
    { variable: 'CONSOLE_PUSH_INTERVAL_MS', value: '5', message: 'integer in [50' },
  ])(
    'names $variable when it is invalid, without showing a token',
    ({ variable, value, message }) => {
      let error: unknown;
      try {
        loadConsoleConfig({ ...base, [variable]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(variable);
      expect((error as Error).message).toContain(message);
      if (variable.endsWith('TOKEN')) expect((error as Error).message).not.toContain(value);
    },
  );
});
