import { describe, expect, it } from 'vitest';
import { kafkaImageEnvName, renderServerProperties, serverSettings } from './server-properties.js';

const base = {
  host: '127.0.0.1',
  kafkaPort: 19092,
  controllerPort: 19093,
  dataDir: '/tmp/kafka-data',
};

describe('renderServerProperties', () => {
  it('describes a combined broker+controller with a dynamic single-voter quorum', () => {
    const text = renderServerProperties(base);
    expect(text).toContain('process.roles=broker,controller\n');
    expect(text).toContain('controller.quorum.bootstrap.servers=127.0.0.1:19093\n');
    expect(text).toContain('listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093\n');
    expect(text).toContain(
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n',
    );
    expect(text).toContain('log.dirs=/tmp/kafka-data\n');
  });

  it.each([
    ['offsets.topic.replication.factor', '1'],
    ['transaction.state.log.replication.factor', '1'],
    ['transaction.state.log.min.isr', '1'],
    ['share.coordinator.state.topic.replication.factor', '1'],
    ['share.coordinator.state.topic.min.isr', '1'],
    ['group.initial.rebalance.delay.ms', '0'],
    ['auto.create.topics.enable', 'false'],
  ])('sets %s=%s for a single node', (key, value) => {
    expect(serverSettings(base).get(key)).toBe(value);
  });

  it('adds extra listeners to the listener list and the protocol map', () => {
    const settings = serverSettings({
      ...base,
      extraListeners: [{ name: 'SASL', port: 19094, securityProtocol: 'SASL_PLAINTEXT' }],
    });
    expect(settings.get('listeners')).toBe(
      'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,SASL://127.0.0.1:19094',
    );
    expect(settings.get('listener.security.protocol.map')).toContain('SASL:SASL_PLAINTEXT');
  });

  it('lets overrides win over generated and single-node settings', () => {
    const settings = serverSettings({
      ...base,
      overrides: { 'auto.create.topics.enable': true, 'sasl.enabled.mechanisms': 'SCRAM-SHA-256' },
    });
    expect(settings.get('auto.create.topics.enable')).toBe('true');
    expect(settings.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-256');
  });

  it('escapes backslashes, as java.util.Properties reads them as escapes', () => {
    expect(renderServerProperties({ ...base, dataDir: 'C:\\kafka\\data' })).toContain(
      'log.dirs=C:\\\\kafka\\\\data\n',
    );
  });

  it('rejects a value that would break the file', () => {
    expect(() => renderServerProperties({ ...base, overrides: { 'x.y': 'a\nb' } })).toThrow(/x\.y/);
  });
});

describe('kafkaImageEnvName', () => {
  it.each([
    ['offsets.topic.replication.factor', 'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR'],
    ['group.initial.rebalance.delay.ms', 'KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS'],
    [
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config',
      'KAFKA_LISTENER_NAME_SASL__PLAINTEXT_SCRAM___SHA___256_SASL_JAAS_CONFIG',
    ],
  ])('%s → %s', (setting, env) => {
    expect(kafkaImageEnvName(setting)).toBe(env);
  });
});
