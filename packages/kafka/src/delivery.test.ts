import type { Kafka, Offsets, Producer, ProducerConfig } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { delivery, type Delivery } from './delivery.js';
import type { LazyAdmin } from './lazy-admin.js';
import type { DeliveryMode } from './processor-options.js';

/** A producer, its transactions and a batch payload that log every call in one list. */
function fakes(failBeforeCommit: boolean) {
  const calls: string[] = [];
  const log = <T>(call: string, result: T): T => {
    calls.push(call);
    return result;
  };
  let active = false;
  const ended = (call: string) => {
    active = false;
    return log(call, Promise.resolve());
  };
  const txn = {
    sendBatch: () => log('txn.sendBatch', Promise.resolve([])),
    sendOffsets: (offsets: Offsets) =>
      log(`sendOffsets ${offsets.topics[0]!.partitions[0]!.offset}`, Promise.resolve()),
    commit: () => ended('commit'),
    abort: () => ended('abort'),
    isActive: () => active,
  };
  const producer = {
    connect: () => Promise.resolve(),
    disconnect: () => log('producer.disconnect', Promise.resolve()),
    transaction: () => {
      active = true;
      return log('transaction', Promise.resolve(txn));
    },
    sendBatch: () => log('producer.sendBatch', Promise.resolve([])),
  } as unknown as Producer;
  const configs: ProducerConfig[] = [];
  const kafka = {
    producer: (config: ProducerConfig) => {
      configs.push(config);
      return producer;
    },
  } as unknown as Kafka;
  /** The group's committed offsets: partition 0 of `in` at 7. */
  const admin = {
    get: () =>
      Promise.resolve({
        fetchOffsets: () =>
          Promise.resolve([{ topic: 'in', partitions: [{ partition: 0, offset: '7' }] }]),
      }),
  } as unknown as LazyAdmin;
  const payload = {
    resolveOffset: (offset: string) => log(`resolveOffset ${offset}`, undefined),
    commitOffsetsIfNecessary: () => log('commitOffsetsIfNecessary', Promise.resolve()),
  };
  const beforeCommit = () => {
    calls.push('beforeCommit');
    if (failBeforeCommit) throw new Error('crash');
  };
  return { calls, kafka, admin, configs, payload, beforeCommit };
}

/** A delivery over the fakes, with task 0 started and the calls so far forgotten. */
async function started(
  f: ReturnType<typeof fakes>,
  mode: DeliveryMode,
  commitOffsets = true,
): Promise<Delivery> {
  const d = await delivery({
    kafka: f.kafka,
    admin: f.admin,
    mode,
    groupId: 'g',
    commitOffsets,
    beforeCommit: f.beforeCommit,
    transactionalIdPrefix: 'g.tx',
    topics: ['in'],
    producer: { idempotent: true },
  });
  d.assign([0]);
  await d.start(0, 'in');
  f.calls.length = 0;
  return d;
}

const messages = [{ topic: 'out', messages: [{ key: 'k', value: 'v' }] }];
const consumed = { topic: 'in', partition: 0, lastOffset: '9' };

describe('delivery', () => {
  it.each<{
    case: string;
    mode: DeliveryMode;
    what: 'batch' | 'tick';
    commitOffsets?: boolean;
    fail?: boolean;
    calls: string[];
  }>([
    {
      case: 'exactly-once batch: messages and offset in one transaction, then the position',
      mode: 'exactly-once',
      what: 'batch',
      calls: [
        'transaction',
        'txn.sendBatch',
        'beforeCommit',
        'sendOffsets 10',
        'commit',
        'resolveOffset 9',
      ],
    },
    {
      case: 'exactly-once tick: a transaction without offsets',
      mode: 'exactly-once',
      what: 'tick',
      calls: ['transaction', 'txn.sendBatch', 'beforeCommit', 'commit'],
    },
    {
      case: 'exactly-once batch failing before the commit: aborted, the position stays',
      mode: 'exactly-once',
      what: 'batch',
      fail: true,
      calls: ['transaction', 'txn.sendBatch', 'beforeCommit', 'abort'],
    },
    {
      case: 'at-least-once batch: messages acknowledged, then the offset committed',
      mode: 'at-least-once',
      what: 'batch',
      calls: ['producer.sendBatch', 'beforeCommit', 'resolveOffset 9', 'commitOffsetsIfNecessary'],
    },
    {
      case: 'at-least-once batch of a runner that commits no offsets',
      mode: 'at-least-once',
      what: 'batch',
      commitOffsets: false,
      calls: ['producer.sendBatch', 'beforeCommit', 'resolveOffset 9'],
    },
    {
      case: 'at-least-once batch failing before the commit: the position stays',
      mode: 'at-least-once',
      what: 'batch',
      fail: true,
      calls: ['producer.sendBatch', 'beforeCommit'],
    },
    {
      case: 'at-least-once tick: just the messages',
      mode: 'at-least-once',
      what: 'tick',
      calls: ['producer.sendBatch'],
    },
  ])('$case', async (c) => {
    const f = fakes(c.fail ?? false);
    const d = await started(f, c.mode, c.commitOffsets);
    const done =
      c.what === 'batch' ? d.batch(0, messages, consumed, f.payload) : d.tick(0, messages);
    if (c.fail) await expect(done).rejects.toThrow('crash');
    else await done;
    expect(f.calls).toEqual(c.calls);
  });

  it('exactly-once: a producer per task, initialised when started, retrying quickly', async () => {
    const f = fakes(false);
    const d = await delivery({
      kafka: f.kafka,
      admin: f.admin,
      mode: 'exactly-once',
      groupId: 'g',
      commitOffsets: true,
      transactionalIdPrefix: 'g.tx',
      topics: ['in'],
      producer: { idempotent: true },
    });
    d.assign([0, 3]);
    expect(d.started(0)).toBe(false);
    // The committed offset read after the fence: records below it were processed.
    await expect(d.start(0, 'in')).resolves.toBe(7n);
    await expect(d.start(3, 'in')).resolves.toBeUndefined();
    // An empty transaction initialises the id (kafkajs sends InitProducerId with the first one).
    expect(f.calls).toEqual(['transaction', 'abort', 'transaction', 'abort']);
    expect(f.configs.map((c) => c.transactionalId)).toEqual(['g.tx.p0', 'g.tx.p3']);
    expect(f.configs[0]).toMatchObject({
      idempotent: true,
      retry: { initialRetryTime: 20, retries: Number.MAX_SAFE_INTEGER },
    });
    expect(d.startedTasks()).toEqual([0, 3]);
  });

  it('exactly-once: a new generation or a failure needs a fresh producer before delivering', async () => {
    const f = fakes(false);
    const d = await started(f, 'exactly-once');
    await d.failed(0, new Error('aborted'));
    expect(f.calls).toEqual(['producer.disconnect']);
    await expect(d.tick(0, messages)).rejects.toThrow('task 0 is not started');
    await d.start(0, 'in');
    expect(d.assign([1]).closed).toEqual([0]);
    expect(d.started(0)).toBe(false);
    await expect(d.batch(0, messages, consumed, f.payload)).rejects.toThrow(/not started/);
    expect(f.configs).toHaveLength(2);
  });

  it('exactly-once: once closed, no task starts (no producer is left behind)', async () => {
    const f = fakes(false);
    const d = await started(f, 'exactly-once');
    await d.close();
    expect(f.calls).toEqual(['producer.disconnect']);
    d.assign([0]);
    await expect(d.start(0, 'in')).rejects.toThrow('the task producers are closed');
    expect(f.configs).toHaveLength(1);
  });
});
