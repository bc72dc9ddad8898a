import { exampleEvents } from '@kanary/contracts';
import { createMetricsRegistry, type Registry } from '@kanary/observability';
import { connectedProducer, disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessorRunner } from '../src/index.js';
import { toolkitFixture } from './support.js';

afterAll(() => disconnectTestClients());

/** The value of one sample of a metric, or undefined when the series does not exist. */
async function sample(registry: Registry, pattern: RegExp): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((l) => pattern.test(l));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('ProcessorRunner metrics on the broker', () => {
  it('shows the consumer lag of a stuck consumer growing and falling to 0 once it catches up, and counts dead letters', async () => {
    const f = await toolkitFixture(1);
    const registry = createMetricsRegistry('toolkit-test', { processMetrics: false });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runner = new ProcessorRunner<'InferenceRequest'>({
      kafka: f.kafka,
      codec: f.codec,
      logger: f.logger,
      service: 'toolkit-test',
      groupId: `${f.prefix}.lag`,
      inputs: [f.catalog.requests],
      dlq: f.catalog.dlq,
      mode: 'exactly-once',
      transactionalIdPrefix: `${f.prefix}.lag.txn`,
      metrics: registry,
      lagIntervalMs: 100,
      consumer: { sessionTimeout: 30_000, heartbeatInterval: 500 },
      // Holds every batch until released: the consumer is "stuck" on its first batch.
      process: async () => {
        await gate;
        return [];
      },
    });
    const producer = await connectedProducer({ idempotent: true });
    const valid = await f.codec.encode(f.catalog.requests, exampleEvents.InferenceRequest);
    const messages = [
      ...Array.from({ length: 24 }, (_, i) => ({ key: `r-${i}`, value: valid })),
      { key: 'bad', value: Buffer.from('not avro') },
    ];
    await producer.send({ topic: f.catalog.requests.name, messages, acks: -1 });
    await runner.start();
    const lag = new RegExp(
      `^kanary_consumer_lag_records\\{topic="${f.catalog.requests.name}",partition="0"`,
    );
    try {
      await waitFor(async () => (await sample(registry, lag)) === 25, {
        timeoutMs: 30_000,
        description: 'a lag of 25 records while the batch is held',
      });
      release();
      await waitFor(async () => (await sample(registry, lag)) === 0, {
        timeoutMs: 30_000,
        description: 'the lag to fall to 0',
      });
      expect(
        await sample(
          registry,
          new RegExp(
            `^kanary_dlq_records_total\\{topic="${f.catalog.requests.name}",error="DecodeError"`,
          ),
        ),
      ).toBe(1);
    } finally {
      release();
      await runner.stop();
    }
    // A stopped runner leaves no stale lag series behind.
    expect(await sample(registry, lag)).toBeUndefined();
  });
});
