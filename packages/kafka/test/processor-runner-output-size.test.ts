import { exampleEvents } from '@kanary/contracts';
import {
  collectMessages,
  connectedProducer,
  disconnectTestClients,
  waitFor,
} from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutputRecord } from '../src/index.js';
import { copyRunner, toolkitFixture } from './support.js';

afterAll(() => disconnectTestClients());

// More than the broker's default message.max.bytes (1048588) on one output partition.
const OUTPUTS_PER_INPUT = 1_500;
const OUTPUT_BYTES = 1_000;

describe('ProcessorRunner outputs larger than one produce request', () => {
  it.each(['exactly-once', 'at-least-once'] as const)(
    'publishes every output of a batch whose outputs exceed message.max.bytes (%s)',
    async (mode) => {
      const f = await toolkitFixture(1);
      const topic = f.catalog.joinChangelog;
      const groupId = `${f.prefix}.${mode}`;
      let fatal: Error | undefined;
      const runner = copyRunner(f, groupId, {
        mode,
        // Every output on one partition, as a changelog pinned to its input partition is.
        process: (records) =>
          Promise.resolve(
            records.flatMap((r) =>
              Array.from({ length: OUTPUTS_PER_INPUT }, (_, i): OutputRecord => ({
                topic,
                key: `${r.key}-${i}`,
                bytes: Buffer.alloc(OUTPUT_BYTES, i % 256),
                partition: 0,
              })),
            ),
          ),
        onFatal: (e) => {
          fatal = e;
        },
      });
      const producer = await connectedProducer({ idempotent: true });
      await producer.send({
        topic: f.catalog.requests.name,
        acks: -1,
        messages: [
          {
            key: 'r-1',
            value: await f.codec.encode(f.catalog.requests, exampleEvents.InferenceRequest),
          },
        ],
      });
      const collector = await collectMessages(topic.name);
      await runner.start();
      try {
        await waitFor(() => fatal !== undefined || collector.records.length >= OUTPUTS_PER_INPUT, {
          timeoutMs: 60_000,
          description: 'every output on the topic, or the consumer stopping for good',
        });
        expect(fatal?.message).toBeUndefined();
        expect(collector.records.map((r) => r.key?.toString())).toEqual(
          Array.from({ length: OUTPUTS_PER_INPUT }, (_, i) => `r-1-${i}`),
        );
        expect(runner.stats).toMatchObject({ processed: 1, produced: OUTPUTS_PER_INPUT });
      } finally {
        await runner.stop();
        await collector.stop();
      }
    },
  );
});
