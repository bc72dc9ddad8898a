import type { KafkaListener } from './infra-config.js';

type SettingValue = string | number | boolean;

/**
 * Broker settings for a single-node cluster. Shared by the local launcher, the testcontainers
 * fallback and (kept in step by a test) docker-compose.yml, so all three behave the same.
 * Internal topics would otherwise ask for three replicas and never become available; the initial
 * rebalance delay would add three seconds to every new consumer group in tests. Topics are created
 * explicitly, as in production, so a consumer that subscribes early cannot create a topic with the
 * wrong partition count. Ten coordinator partitions instead of fifty: one broker gains nothing from
 * spreading groups and transactions wider, and every partition must be created and loaded before
 * the broker is usable, at each start and restart.
 */
export const SINGLE_NODE_BROKER_SETTINGS: Readonly<Record<string, SettingValue>> = Object.freeze({
  'num.partitions': 1,
  'default.replication.factor': 1,
  'min.insync.replicas': 1,
  'offsets.topic.replication.factor': 1,
  'offsets.topic.num.partitions': 10,
  'transaction.state.log.num.partitions': 10,
  'transaction.state.log.replication.factor': 1,
  'transaction.state.log.min.isr': 1,
  'share.coordinator.state.topic.replication.factor': 1,
  'share.coordinator.state.topic.min.isr': 1,
  'group.initial.rebalance.delay.ms': 0,
  'auto.create.topics.enable': false,
});

export interface ServerPropertiesInput {
  readonly nodeId?: number;
  readonly host: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  readonly extraListeners?: readonly KafkaListener[];
  /** Wins over every generated setting. */
  readonly overrides?: Readonly<Record<string, SettingValue>>;
}

/** The ordered settings of a combined broker+controller node (KRaft, dynamic quorum). */
export function serverSettings(input: ServerPropertiesInput): Map<string, string> {
  const host = input.host.includes(':') ? `[${input.host}]` : input.host;
  const listeners = [
    { name: 'PLAINTEXT', port: input.kafkaPort, securityProtocol: 'PLAINTEXT' },
    { name: 'CONTROLLER', port: input.controllerPort, securityProtocol: 'PLAINTEXT' },
    ...(input.extraListeners ?? []),
  ];
  const endpoints = listeners.map((l) => `${l.name}://${host}:${l.port}`).join(',');
  const settings = new Map<string, string>([
    ['process.roles', 'broker,controller'],
    ['node.id', String(input.nodeId ?? 1)],
    ['controller.quorum.bootstrap.servers', `${host}:${input.controllerPort}`],
    ['listeners', endpoints],
    ['advertised.listeners', endpoints],
    ['controller.listener.names', 'CONTROLLER'],
    ['inter.broker.listener.name', 'PLAINTEXT'],
    [
      'listener.security.protocol.map',
      listeners.map((l) => `${l.name}:${l.securityProtocol}`).join(','),
    ],
    ['log.dirs', input.dataDir],
  ]);
  for (const [key, value] of Object.entries(SINGLE_NODE_BROKER_SETTINGS))
    settings.set(key, String(value));
  for (const [key, value] of Object.entries(input.overrides ?? {}))
    settings.set(key, String(value));
  return settings;
}

// java.util.Properties treats backslash as an escape and a leading space as insignificant.
const escapeValue = (value: string): string => value.replace(/\\/g, '\\\\').replace(/^ /, '\\ ');

/** Renders `server.properties`; rejects values that would silently break the file format. */
export function renderServerProperties(input: ServerPropertiesInput): string {
  const lines = ['# Written by @kanary/infra; regenerated on every start.'];
  for (const [key, value] of serverSettings(input)) {
    if (/[\r\n]/.test(value) || !/^[\w.-]+$/.test(key)) {
      throw new Error(
        `Broker setting ${JSON.stringify(key)} cannot be written to a properties file`,
      );
    }
    lines.push(`${key}=${escapeValue(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Environment variable name under which the apache/kafka image reads a broker setting:
 * `_` → `__`, `-` → `___`, `.` → `_`, upper case, `KAFKA_` prefix.
 */
export const kafkaImageEnvName = (setting: string): string =>
  `KAFKA_${setting.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`;

/** `SINGLE_NODE_BROKER_SETTINGS` as environment variables for the apache/kafka image. */
export function singleNodeImageEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(SINGLE_NODE_BROKER_SETTINGS).map(([key, value]) => [
      kafkaImageEnvName(key),
      String(value),
    ]),
  );
}
