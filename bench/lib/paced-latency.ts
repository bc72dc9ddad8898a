import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Message } from 'kafkajs';
import { benchProducer } from './backlog.js';
import { quantile } from './quantile.js';

export interface PacedLatencyOptions {
  readonly kafka: Kafka;
  readonly input: string;
  readonly output: string;
  readonly groupId: string;
  /** Records per second sent to `input`. */
  readonly rate: number;
  /** Sending time whose samples are discarded (the subject joining its group, JIT warm-up). */
  readonly warmupMs: number;
  readonly measureMs: number;
  /** The i-th input record; `now` is the request timestamp it must carry. Keys must be unique. */
  record(i: number, now: number): Message | Promise<Message>;
}

export interface Latency {
  readonly samples: number;
  /** Request timestamp → the output record's timestamp (its CreateTime, set by the subject's producer). */
  readonly recordP50: number;
  readonly recordP99: number;
  /** Request timestamp → the moment a read_committed consumer receives the output (after the commit). */
  readonly visibleP50: number;
  readonly visibleP99: number;
}

/**
 * Sends records at a steady rate below the subject's capacity (so the latency is the subject's,
 * not a queue's) and reads the subject's output read_committed, matching records by key. Sending
 * is paced every 10 ms: each tick sends the records due by then in one produce request.
 */
export async function pacedLatency(options: PacedLatencyOptions): Promise<Latency> {
  const { kafka, rate } = options;
  const sentAt = new Map<string, number>();
  const record: number[] = [];
  const visible: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  const consumer = kafka.consumer({ groupId: options.groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [options.output], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const now = Date.now();
      const key = message.key?.toString() ?? '';
      const sent = sentAt.get(key);
      if (sent === undefined || sent < measureFrom) return;
      sentAt.delete(key); // shadow copies or duplicates count once
      record.push(Number(message.timestamp) - sent);
      visible.push(now - sent);
    },
  });
  const producer = await benchProducer(kafka);
  try {
    const started = Date.now();
    measureFrom = started + options.warmupMs;
    const end = measureFrom + options.measureMs;
    let sent = 0;
    for (let now = Date.now(); now < end; now = Date.now()) {
      const due = Math.floor(((now - started) / 1_000) * rate);
      const messages: Message[] = [];
      for (; sent < due; sent++) {
        const m = await options.record(sent, now);
        sentAt.set(String(m.key), now);
        messages.push(m);
      }
      if (messages.length > 0) await producer.send({ topic: options.input, messages, acks: -1 });
      await sleep(10);
    }
    const expected = [...sentAt.values()].filter((t) => t >= measureFrom).length + record.length;
    const deadline = Date.now() + 30_000;
    while (record.length < expected && Date.now() < deadline) await sleep(20);
    if (record.length < expected) {
      throw new Error(`only ${record.length} of ${expected} records came through within 30 s`);
    }
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
  }
  return {
    samples: record.length,
    recordP50: quantile(record, 0.5),
    recordP99: quantile(record, 0.99),
    visibleP50: quantile(visible, 0.5),
    visibleP99: quantile(visible, 0.99),
  };
}
