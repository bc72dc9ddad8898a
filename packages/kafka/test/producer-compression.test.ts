import { createLogger } from '@kanary/observability';
import {
  connectedConsumer,
  createTopics,
  disconnectTestClients,
  testInfra,
  uniqueTopic,
  uniqueTransactionalId,
  waitFor,
} from '@kanary/testkit';
import type { Message, Producer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createKafka,
  KAFKA_COMPRESSIONS,
  kafkaEnvSchema,
  loadEnvConfig,
  toKafkaConnection,
  type KafkaCompression,
} from '../src/index.js';

afterAll(disconnectTestClients);

const logger = createLogger({ service: 'compression-test', level: 'silent', pretty: false });

/** A Kanary client configured the way a service is, with `KAFKA_COMPRESSION=<compression>`. */
const kafkaWith = (compression: KafkaCompression) =>
  createKafka(
    toKafkaConnection(
      loadEnvConfig(kafkaEnvSchema, {
        KAFKA_BROKERS: testInfra().brokers.join(','),
        SCHEMA_REGISTRY_URL: testInfra().registryUrl,
        KAFKA_COMPRESSION: compression,
      }),
      'compression-test',
    ),
    logger,
  );

/** Feature-like JSON, about 2 KB a record: compressible as real request payloads are. */
const PER_SEND = 10;
const messages = (tag: string): Message[] =>
  Array.from({ length: PER_SEND }, (_, i) => ({
    key: `${tag}-${i}`,
    value: JSON.stringify({
      requestId: `${tag}-${i}`,
      features: Array.from({ length: 40 }, (_, f) => ({ name: `feature_${f}`, value: f * 0.5 })),
    }),
  }));

async function sendEveryWay(compression: KafkaCompression, topic: string): Promise<void> {
  const kafka = kafkaWith(compression);
  const plain: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const transactional = kafka.producer({
    transactionalId: uniqueTransactionalId('compression'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await plain.connect();
  await transactional.connect();
  try {
    await plain.send({ topic, messages: messages('send'), acks: -1 });
    await plain.sendBatch({ topicMessages: [{ topic, messages: messages('batch') }], acks: -1 });
    const txn = await transactional.transaction();
    await txn.sendBatch({ topicMessages: [{ topic, messages: messages('txn') }], acks: -1 });
    await txn.commit();
  } finally {
    await Promise.allSettled([plain.disconnect(), transactional.disconnect()]);
  }
}

describe('producer compression (KAFKA_COMPRESSION) against the broker', () => {
  it.each(KAFKA_COMPRESSIONS)(
    'KAFKA_COMPRESSION=%s: sends, batches and transactions use it, and a plain consumer reads every record',
    async (compression) => {
      const [topic] = await createTopics([uniqueTopic(`compression-${compression}`)]);
      // The broker decompresses every batch it accepts to validate it (with the Java codecs),
      // so an accepted send is also one that Java and librdkafka consumers can read.
      await sendEveryWay(compression, topic!);
      const expected = ['send', 'batch', 'txn'].flatMap((tag) => messages(tag));
      const rawBytes = expected.reduce((n, m) => n + Buffer.byteLength(m.value as string), 0);

      // A consumer with no compression settings; its Fetch responses measure what was on the wire.
      const consumer = await connectedConsumer();
      let fetchedBytes = 0;
      consumer.on(consumer.events.REQUEST, ({ payload }) => {
        if (payload.apiName === 'Fetch') fetchedBytes += payload.size;
      });
      const read: Array<{ key: string; value: string }> = [];
      await consumer.subscribe({ topic: topic!, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          read.push({ key: String(message.key), value: String(message.value) });
        },
      });
      await waitFor(() => read.length >= expected.length, {
        timeoutMs: 60_000,
        description: () => `${expected.length} records (read ${read.length})`,
      });
      await consumer.disconnect();

      expect(read).toEqual(expected.map((m) => ({ key: m.key, value: m.value })));
      if (compression === 'none') expect(fetchedBytes).toBeGreaterThan(rawBytes);
      else expect(fetchedBytes).toBeLessThan(rawBytes / 4);
    },
  );
});
