import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const base = {
  KAFKA_BROKERS: 'localhost:19092',
  SCHEMA_REGISTRY_URL: 'http://localhost:18081/apis/ccompat/v7',
  WORKER_VARIANTS: JSON.stringify({
    'weather-tree-v2': { kind: 'model', name: 'weather-tree-v2' },
    'sim-a': { kind: 'sim', accuracy: 0.9, classes: ['a', 'b'] },
  }),
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
  it('applies defaults and compiles the variant table', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      concurrency: 16,
      timeoutMs: 5_000,
      simulateLatency: true,
      groupId: 'kanary.model-worker',
      transactionalIdPrefix: 'kanary.model-worker',
      opsPort: 9_464,
    });
    expect(Object.keys(config.variants)).toEqual(['weather-tree-v2', 'sim-a']);
    expect(config.variants['sim-a']).toMatchObject({ kind: 'sim', accuracy: 0.9, errorRate: 0 });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.variants)).toBe(true);
  });

  it('derives group and transactional ids from the prefix and instance id', () => {
    const config = loadConfig({
      ...base,
      KANARY_TOPIC_PREFIX: 't1',
      KANARY_INSTANCE_ID: 'w-7',
      WORKER_SIMULATE_LATENCY: 'false',
    });
    expect(config.groupId).toBe('t1.model-worker');
    // The same on every instance: whoever takes a partition over fences its previous owner.
    expect(config.transactionalIdPrefix).toBe('t1.model-worker');
    expect(config.simulateLatency).toBe(false);
  });

  it('reads the variant table from a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'worker-config-'));
    const file = join(dir, 'variants.json');
    await writeFile(file, JSON.stringify({ 'sim-b': { kind: 'sim', classes: ['x', 'y'] } }));
    const config = loadConfig({ ...base, WORKER_VARIANTS: undefined, WORKER_VARIANTS_FILE: file });
    expect(Object.keys(config.variants)).toEqual(['sim-b']);
  });

  it.each([
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY ("0"): must be an integer in [1, 10000]'],
    [{ WORKER_TIMEOUT_MS: 'soon' }, 'WORKER_TIMEOUT_MS ("soon"): must be an integer'],
    [
      { WORKER_SIMULATE_LATENCY: 'maybe' },
      'WORKER_SIMULATE_LATENCY ("maybe"): must be true or false',
    ],
    [{ OPS_PORT: '70000' }, 'OPS_PORT ("70000")'],
    [{ WORKER_VARIANTS: undefined }, 'WORKER_VARIANTS (unset): is required'],
    [{ WORKER_VARIANTS: '{"a":' }, 'WORKER_VARIANTS ("{\\"a\\":"): is not JSON'],
    [{ WORKER_VARIANTS: '[]' }, 'WORKER_VARIANTS ("[]"): must be a JSON object'],
    [{ WORKER_VARIANTS: '{}' }, 'must name at least one variant'],
    [{ WORKER_VARIANTS: '{"sim-a":{"kind":"sim","accuracy":1.5}}' }, 'WORKER_VARIANTS.sim-a'],
    [{ WORKER_VARIANTS: '{"sim-a":{"kind":"sim","accuracy":1.5}}' }, 'accuracy'],
    [{ WORKER_VARIANTS: '{"bad name":{"kind":"sim"}}' }, 'WORKER_VARIANTS.bad name'],
    [
      { WORKER_VARIANTS: undefined, WORKER_VARIANTS_FILE: '/nonexistent/variants.json' },
      'WORKER_VARIANTS_FILE ("/nonexistent/variants.json"): cannot read /nonexistent/variants.json',
    ],
    [{ WORKER_VARIANTS_FILE: '/etc/hostname' }, 'WORKER_VARIANTS_FILE'],
    [{ KAFKA_BROKERS: 'nonsense' }, 'KAFKA_BROKERS ("nonsense"): must be a comma-separated list'],
  ])('rejects %j naming the variable', (overrides, message) => {
    expect(failure({ ...base, ...overrides })).toContain(message);
  });

  it('reports problems in Kafka and worker variables together', () => {
    const message = failure({ ...base, KAFKA_BROKERS: undefined, WORKER_CONCURRENCY: '-1' });
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).toContain('WORKER_CONCURRENCY');
  });
});
