import { exampleEvents, type GroundTruthLabel } from '@kanary/contracts';
import {
  connectedProducer,
  disconnectTestClients,
  waitFor,
  waitForMessages,
} from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcessorRunner, type OutputRecord } from '../src/index.js';
import { toolkitFixture, type ToolkitFixture } from './support.js';

afterAll(() => disconnectTestClients());

const label = (requestId: string): GroundTruthLabel => ({
  ...exampleEvents.GroundTruthLabel,
  requestId,
});

function runner(
  f: ToolkitFixture,
  name: string,
  hooks: Pick<
    ConstructorParameters<typeof ProcessorRunner<'InferenceRequest'>>[0],
    'process' | 'tick' | 'onAbort'
  >,
) {
  return new ProcessorRunner<'InferenceRequest'>({
    kafka: f.kafka,
    codec: f.codec,
    logger: f.logger,
    service: 'toolkit-test',
    groupId: `${f.prefix}.${name}`,
    inputs: [f.catalog.requests],
    dlq: f.catalog.dlq,
    mode: 'exactly-once',
    transactionalIdPrefix: `${f.prefix}.${name}.txn`,
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 500 },
    ...hooks,
  });
}

describe('ProcessorRunner tick and onAbort', () => {
  it('commits tick outputs in transactions of their own while the input is idle', async () => {
    const f = await toolkitFixture();
    let ticks = 0;
    const r = runner(f, 'tick', {
      process: () => Promise.resolve([]),
      tick: {
        intervalMs: 50,
        run: (tasks) => {
          // The input partitions were started at the join, though no record arrived.
          if (tasks.length === 0) return Promise.resolve(new Map());
          ticks += 1;
          // Every other tick has nothing to say: no transaction for it.
          const out: OutputRecord[] =
            ticks % 2 === 0
              ? [{ topic: f.catalog.labels, key: `t-${ticks}`, value: label(`t-${ticks}`) }]
              : [];
          return Promise.resolve(new Map([[tasks[0]!, out]]));
        },
      },
    });
    await r.start();
    try {
      const committed = await waitForMessages(f.catalog.labels.name, 3, { timeoutMs: 30_000 });
      expect(committed.map((m) => m.key?.toString()).slice(0, 3)).toEqual(['t-2', 't-4', 't-6']);
      expect(r.stats.produced).toBeGreaterThanOrEqual(3);
    } finally {
      await r.stop();
    }
  });

  it('calls onAbort when a batch fails after process, before the batch is processed again', async () => {
    const f = await toolkitFixture(1);
    const calls: string[] = [];
    let failures = 0;
    const r = runner(f, 'abort', {
      process: (records) => {
        calls.push(`process:${records.length}`);
        if (failures === 0) {
          failures += 1;
          return Promise.reject(new Error('state went wrong'));
        }
        return Promise.resolve(
          records.map((rec) => ({
            topic: f.catalog.labels,
            key: rec.key,
            value: label(rec.value.requestId),
          })),
        );
      },
      onAbort: (error) => calls.push(`abort:${(error as Error).message}`),
    });
    const producer = await connectedProducer();
    const messages = await Promise.all(
      ['a', 'b', 'c'].map(async (id) => ({
        key: id,
        value: await f.codec.encode(f.catalog.requests, {
          ...exampleEvents.InferenceRequest,
          requestId: id,
        }),
        partition: 0,
      })),
    );
    await producer.send({ topic: f.catalog.requests.name, messages, acks: -1 });
    await r.start();
    try {
      const outputs = await waitForMessages(f.catalog.labels.name, 3, { timeoutMs: 60_000 });
      expect(outputs.map((m) => m.key?.toString())).toEqual(['a', 'b', 'c']);
      await waitFor(() => r.stats.processed === 3, { timeoutMs: 30_000 });
      expect(calls.slice(0, 3)).toEqual(['process:3', 'abort:state went wrong', 'process:3']);
    } finally {
      await r.stop();
    }
  });
});
