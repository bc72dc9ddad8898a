import type { Offsets, Transaction } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { commitTransaction, offsetsToCommit, type ConsumedOffset } from './commit-transaction.js';

describe('offsetsToCommit', () => {
  it.each([
    { lastOffset: '0', committed: '1' },
    { lastOffset: '41', committed: '42' },
    // Past Number.MAX_SAFE_INTEGER a Number would round.
    { lastOffset: '9007199254740992', committed: '9007199254740993' },
  ])('commits $committed after last offset $lastOffset', ({ lastOffset, committed }) => {
    expect(offsetsToCommit({ groupId: 'g', topic: 't', partition: 3, lastOffset })).toEqual({
      consumerGroupId: 'g',
      topics: [{ topic: 't', partitions: [{ partition: 3, offset: committed }] }],
    });
  });
});

type Step = 'transaction' | 'write' | 'sendOffsets' | 'commit' | 'abort';

/** A producer whose transaction records its calls and fails at the given steps. */
function fakeProducer(failAt: readonly Step[], activeAfterFailure = true) {
  const calls: string[] = [];
  let active = false;
  const step = (name: Step) => {
    calls.push(name);
    if (failAt.includes(name)) {
      active = activeAfterFailure && name !== 'transaction';
      throw new Error(`${name} failed`);
    }
  };
  const txn = {
    sendOffsets: (offsets: Offsets) => {
      step('sendOffsets');
      calls.push(`offset ${offsets.topics[0]!.partitions[0]!.offset}`);
      return Promise.resolve();
    },
    commit: () => {
      step('commit');
      active = false;
      return Promise.resolve();
    },
    abort: () => {
      active = false;
      try {
        step('abort');
      } catch (e) {
        return Promise.reject(e as Error);
      }
      return Promise.resolve();
    },
    isActive: () => active,
  } as unknown as Transaction;
  const producer = {
    transaction: () => {
      step('transaction');
      active = true;
      return Promise.resolve(txn);
    },
  };
  const write = () => {
    step('write');
    return Promise.resolve('written');
  };
  return { producer, write, calls };
}

const consumed: ConsumedOffset = { groupId: 'g', topic: 't', partition: 0, lastOffset: '9' };

describe('commitTransaction', () => {
  it.each<{
    case: string;
    failAt: Step[];
    consumed?: ConsumedOffset;
    activeAfterFailure?: boolean;
    calls: string[];
    error?: string;
  }>([
    {
      case: 'writes, commits the consumed offset, commits',
      failAt: [],
      consumed,
      calls: ['transaction', 'write', 'sendOffsets', 'offset 10', 'commit'],
    },
    {
      case: 'no consumed offset: no sendOffsets',
      failAt: [],
      calls: ['transaction', 'write', 'commit'],
    },
    {
      case: 'no transaction opened: nothing to abort',
      failAt: ['transaction'],
      consumed,
      calls: ['transaction'],
      error: 'transaction failed',
    },
    {
      case: 'write fails: aborted',
      failAt: ['write'],
      consumed,
      calls: ['transaction', 'write', 'abort'],
      error: 'write failed',
    },
    {
      case: 'sendOffsets fails: aborted',
      failAt: ['sendOffsets'],
      consumed,
      calls: ['transaction', 'write', 'sendOffsets', 'abort'],
      error: 'sendOffsets failed',
    },
    {
      case: 'commit fails with the transaction still open: aborted',
      failAt: ['commit'],
      consumed,
      calls: ['transaction', 'write', 'sendOffsets', 'offset 10', 'commit', 'abort'],
      error: 'commit failed',
    },
    {
      case: 'commit fails and the transaction is no longer open: no abort',
      failAt: ['commit'],
      consumed,
      activeAfterFailure: false,
      calls: ['transaction', 'write', 'sendOffsets', 'offset 10', 'commit'],
      error: 'commit failed',
    },
    {
      case: 'the abort fails too: the original failure is thrown',
      failAt: ['write', 'abort'],
      consumed,
      calls: ['transaction', 'write', 'abort'],
      error: 'write failed',
    },
  ])('$case', async (c) => {
    const { producer, write, calls } = fakeProducer(c.failAt, c.activeAfterFailure);
    const result = commitTransaction(producer, write, c.consumed);
    if (c.error === undefined) await expect(result).resolves.toBe('written');
    else await expect(result).rejects.toThrow(c.error);
    expect(calls).toEqual(c.calls);
  });
});
