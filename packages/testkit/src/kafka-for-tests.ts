import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  type KafkaConfig,
  logLevel,
  Partitioners,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { testInfra } from './test-infra.js';
import { uniqueGroupId } from './unique-names.js';

/**
 * kafkajs logs retried errors (CONCURRENT_TRANSACTIONS after an abort, coordinator moves) at ERROR
 * level even when it recovers, which buries real failures; tests stay silent unless
 * KANARY_TEST_DEBUG is set (`debug` for protocol-level detail, anything else for INFO).
 */
export function testLogLevel(env: NodeJS.ProcessEnv = process.env): logLevel {
  const debug = env.KANARY_TEST_DEBUG;
  if (!debug) return logLevel.NOTHING;
  return debug.toLowerCase() === 'debug' ? logLevel.DEBUG : logLevel.INFO;
}

type Disconnectable = { disconnect(): Promise<void> };
const openClients = new Set<Disconnectable>();
const track = <T extends Disconnectable>(client: T): T => {
  openClients.add(client);
  return client;
};

/** Disconnects every admin, producer and consumer the factories below created (for `afterAll`). */
export async function disconnectTestClients(): Promise<void> {
  const clients = [...openClients];
  openClients.clear();
  await Promise.allSettled(clients.map((c) => c.disconnect()));
}

/** A kafkajs client bound to the test broker, quiet unless KANARY_TEST_DEBUG is set. */
export function kafkaForTests(config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'kanary-test',
    brokers: testInfra().brokers,
    logLevel: testLogLevel(),
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2_000 },
    ...config,
  });
}

export async function connectedAdmin(kafka: Kafka = kafkaForTests()): Promise<Admin> {
  const admin = track(kafka.admin());
  await admin.connect();
  return admin;
}

/** A connected producer using the Java client's partitioner (kafkajs's default since v2). */
export async function connectedProducer(
  config: ProducerConfig = {},
  kafka: Kafka = kafkaForTests(),
): Promise<Producer> {
  const producer = track(
    kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config }),
  );
  await producer.connect();
  return producer;
}

/**
 * A connected consumer in a fresh group, with a short session timeout so a test that crashes
 * does not hold partitions for half a minute, and short fetch long-polls because `disconnect()`
 * waits for the fetch in flight (kafkajs's 5 s default would add 5 s to every helper call).
 */
export async function connectedConsumer(
  config: Partial<ConsumerConfig> = {},
  kafka: Kafka = kafkaForTests(),
): Promise<Consumer> {
  const consumer = track(
    kafka.consumer({
      groupId: uniqueGroupId(),
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
      ...config,
    }),
  );
  await consumer.connect();
  return consumer;
}
