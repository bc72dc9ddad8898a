import { topicCatalog, type EventCodec, type GroundTruthLabel } from '@kanary/contracts';
import type { Kafka, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { constantDelay, exponentialDelay } from './delay-distribution.js';
import { LabelFeeder } from './label-feeder.js';

const catalog = topicCatalog({ prefix: 'unit' });

/** A codec that writes JSON and a producer that records what it was asked to send. */
function fakes() {
  const sent: GroundTruthLabel[] = [];
  const codec = {
    encode: (_topic: unknown, value: unknown) =>
      Promise.resolve(Buffer.from(JSON.stringify(value))),
  } as unknown as EventCodec;
  const producer = {
    send: ({ messages }: { messages: Array<{ value: Buffer }> }) => {
      for (const m of messages) sent.push(JSON.parse(m.value.toString()) as GroundTruthLabel);
      return Promise.resolve([]);
    },
  } as unknown as Producer;
  return { sent, codec, producer };
}

const t0 = Date.UTC(2026, 0, 1);

describe('LabelFeeder', () => {
  it('produces every label once its delay has passed, stamped with its due time', async () => {
    const { sent, codec, producer } = fakes();
    const feeder = new LabelFeeder({
      producer,
      codec,
      labels: catalog.labels,
      plan: { seed: 1, delay: exponentialDelay(20), unlabelledFraction: 0.3 },
      maxBatch: 7,
    });
    for (let i = 0; i < 50; i += 1)
      feeder.offer({ requestId: `r-${i}`, model: 'm', trueLabel: `c${i % 3}`, sentAt: t0 });
    await feeder.drain();
    expect(feeder.stats.offered).toBe(50);
    expect(feeder.stats.sent + feeder.stats.unlabelled).toBe(50);
    expect(sent).toHaveLength(feeder.stats.sent);
    expect(new Set(sent.map((l) => l.requestId)).size).toBe(sent.length);
    for (const label of sent) {
      expect(label.label).toBe(`c${Number(label.requestId.slice(2)) % 3}`);
      expect(label.timestamp).toBeGreaterThanOrEqual(t0);
    }
    // Produced in due order.
    const stamps = sent.map((l) => l.timestamp);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect((await feeder.stop()).dropped).toBe(0);
  });

  it('labels requests whose served prediction never comes once the wait is over', async () => {
    const { sent, codec, producer } = fakes();
    const feeder = new LabelFeeder({
      producer,
      codec,
      labels: catalog.labels,
      plan: {
        seed: 1,
        delay: constantDelay(5),
        wrongDelay: constantDelay(0),
        unlabelledFraction: 0,
      },
      outcome: { kafka: {} as Kafka, predictions: catalog.predictions, waitMs: 30 },
    });
    const sentAt = Date.now();
    for (let i = 0; i < 5; i += 1)
      feeder.offer({ requestId: `r-${i}`, model: 'm', trueLabel: 'a', sentAt });
    expect(feeder.pending).toBe(5);
    await feeder.drain();
    expect(feeder.stats).toMatchObject({
      sent: 5,
      withoutPrediction: 5,
      servedRight: 0,
      servedWrong: 0,
    });
    // Scheduled as right: the wait, then the right-answer delay.
    expect(sent.every((l) => l.timestamp === Math.round(sentAt + 30 + 5))).toBe(true);
    await feeder.stop();
  });

  it('drops and counts pending labels when stopped', async () => {
    const { sent, codec, producer } = fakes();
    const feeder = new LabelFeeder({
      producer,
      codec,
      labels: catalog.labels,
      plan: { seed: 1, delay: constantDelay(3_600_000), unlabelledFraction: 0 },
    });
    for (let i = 0; i < 3; i += 1)
      feeder.offer({ requestId: `r-${i}`, model: 'm', trueLabel: 'a', sentAt: Date.now() });
    expect(await feeder.stop()).toEqual({ dropped: 3 });
    expect(sent).toEqual([]);
    expect(() =>
      feeder.offer({ requestId: 'late', model: 'm', trueLabel: 'a', sentAt: 0 }),
    ).toThrow(/stopped/);
  });

  it('refuses an outcome-dependent plan without a predictions topic', () => {
    const { codec, producer } = fakes();
    expect(
      () =>
        new LabelFeeder({
          producer,
          codec,
          labels: catalog.labels,
          plan: {
            seed: 1,
            delay: constantDelay(1),
            wrongDelay: constantDelay(0),
            unlabelledFraction: 0,
          },
        }),
    ).toThrow(/needs the predictions topic/);
  });
});
