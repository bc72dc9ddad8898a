import type { EventName, EventTypes, TopicSpec } from '@kanary/contracts';
import { DefaultPartitioner } from '@kanary/kafka';
import type { Kafka, Message, Producer } from 'kafkajs';
import type { BenchStack } from './stack.js';

/** Records produced per request while filling a backlog. */
const CHUNK = 5_000;

/**
 * Writes `count` records to `topic` before the timed part of a benchmark starts, keyed so the
 * Java-compatible murmur2 partitioner spreads them (and co-partitions predictions with their
 * labels). `record(i)` builds the i-th message (values already encoded).
 */
export async function fillBacklog(
  kafka: Kafka,
  topic: string,
  count: number,
  record: (i: number) => Message | Promise<Message>,
): Promise<void> {
  const producer = await benchProducer(kafka);
  try {
    for (let start = 0; start < count; start += CHUNK) {
      const end = Math.min(count, start + CHUNK);
      const messages: Message[] = [];
      for (let i = start; i < end; i++) messages.push(await record(i));
      await producer.send({ topic, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * A connected idempotent producer with the Java-compatible murmur2 partitioner (what the
 * services' clients use, so keys land where a service expects them).
 */
export async function benchProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** {@link fillBacklog} with events: `event(i)` gives the i-th record's key and value, encoded here. */
export function fillEvents<E extends EventName>(
  stack: BenchStack,
  topic: TopicSpec<E>,
  count: number,
  event: (i: number) => readonly [key: string, value: EventTypes[E]],
): Promise<void> {
  return fillBacklog(stack.kafka, topic.name, count, async (i) => {
    const [key, value] = event(i);
    return { key, value: await stack.codec.encode(topic, value) };
  });
}
