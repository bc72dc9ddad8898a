import { describe, expect, it } from 'vitest';
import { resolveInfraConfig } from './infra-config.js';
import { InfraErrorCode } from './infra-error.js';

describe('resolveInfraConfig', () => {
  it('defaults to ports that avoid common services and derives the client addresses', () => {
    const config = resolveInfraConfig({}, {});
    expect([config.kafkaPort, config.controllerPort, config.registryPort]).toEqual([
      19092, 19093, 18081,
    ]);
    expect(config.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.registryUrl).toBe('http://127.0.0.1:18081/apis/ccompat/v7');
    expect(config.stateDir).toMatch(/\.kanary[/\\]infra$/);
  });

  it('reads the environment, and explicit options win over it', () => {
    const env = {
      KANARY_KAFKA_PORT: '29092',
      KANARY_REGISTRY_PORT: '28081',
      KANARY_CACHE_DIR: '/tmp/c',
    };
    expect(resolveInfraConfig({}, env)).toMatchObject({
      kafkaPort: 29092,
      registryPort: 28081,
      cacheDir: '/tmp/c',
    });
    expect(resolveInfraConfig({ kafkaPort: 39092 }, env).kafkaPort).toBe(39092);
  });

  it('finds Java through KANARY_JAVA, then JAVA_HOME, then PATH', () => {
    expect(resolveInfraConfig({}, { KANARY_JAVA: '/opt/j/bin/java', JAVA_HOME: '/x' }).java).toBe(
      '/opt/j/bin/java',
    );
    expect(resolveInfraConfig({}, { JAVA_HOME: '/x' }).java).toMatch(/^[/\\]x[/\\]bin[/\\]java$/);
    expect(resolveInfraConfig({}, {}).java).toBe('java');
    expect(resolveInfraConfig({}, { KANARY_REGISTRY_JAVA: '/j21/bin/java' }).registryJava).toBe(
      '/j21/bin/java',
    );
  });

  it.each([
    [{ KANARY_KAFKA_PORT: 'abc' }, /KANARY_KAFKA_PORT/],
    [{ KANARY_REGISTRY_PORT: '70000' }, /KANARY_REGISTRY_PORT/],
    [{ KANARY_KAFKA_HEAP: 'lots' }, /KANARY_KAFKA_HEAP/],
    [{ KANARY_KAFKA_PORT: '19093' }, /must differ/],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => resolveInfraConfig({}, env)).toThrow(message);
    expect(() => resolveInfraConfig({}, env)).toThrow(
      expect.objectContaining({ code: InfraErrorCode.InvalidConfig }),
    );
  });
});
