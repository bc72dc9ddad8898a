import type { Offsets, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { delivery } from './delivery.js';
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
    transaction: () => {
      active = true;
      return log('transaction', Promise.resolve(txn));
    },
    sendBatch: () => log('producer.sendBatch', Promise.resolve([])),
  } as unknown as Producer;
  const payload = {
    resolveOffset: (offset: string) => log(`resolveOffset ${offset}`, undefined),
    commitOffsetsIfNecessary: () => log('commitOffsetsIfNecessary', Promise.resolve()),
  };
  const beforeCommit = () => {
    calls.push('beforeCommit');
    if (failBeforeCommit) throw new Error('crash');
  };
  return { calls, producer, payload, beforeCommit };
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
    const { calls, producer, payload, beforeCommit } = fakes(c.fail ?? false);
    const d = delivery(producer, {
      mode: c.mode,
      groupId: 'g',
      commitOffsets: c.commitOffsets ?? true,
      beforeCommit,
    });
    const done = c.what === 'batch' ? d.batch(messages, consumed, payload) : d.tick(messages);
    if (c.fail) await expect(done).rejects.toThrow('crash');
    else await done;
    expect(calls).toEqual(c.calls);
  });
});
