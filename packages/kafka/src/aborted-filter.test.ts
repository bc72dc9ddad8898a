import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// kafkajs filters the records of aborted transactions from read_committed fetches on the client;
// patches/kafkajs@2.2.4.patch makes it take the broker's aborted-transaction list in order of
// first offset, as the Java consumer does.
const require = createRequire(import.meta.url);
const filterAbortedMessages = require('kafkajs/src/consumer/filterAbortedMessages.js') as (args: {
  messages: Message[];
  abortedTransactions: Array<{ producerId: string; firstOffset: string }>;
}) => Message[];

interface Message {
  offset: string;
  key: Buffer | null;
  batchContext: { producerId: string; inTransaction: boolean };
}

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);
const record = (offset: number, producerId: string): Message => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  batchContext: { producerId, inTransaction: true },
});
const marker = (offset: number, producerId: string, key: Buffer): Message => ({
  offset: String(offset),
  key,
  batchContext: { producerId, inTransaction: true },
});

describe('read_committed filtering of aborted transactions (kafkajs, patched)', () => {
  it('drops every aborted record when the broker lists the transactions in the order they ended', () => {
    // Producer 1's transaction begins first and is aborted last (a fenced owner's, aborted when
    // the next owner fenced it); producer 2's begins later and is aborted first.
    const messages = [
      record(0, '1'),
      record(1, '1'),
      record(2, '2'),
      record(3, '2'),
      marker(4, '2', ABORT),
      record(5, '1'),
      marker(6, '1', ABORT),
      record(7, '1'),
      marker(8, '1', COMMIT),
    ];
    const kept = filterAbortedMessages({
      messages,
      abortedTransactions: [
        { producerId: '2', firstOffset: '2' },
        { producerId: '1', firstOffset: '0' },
      ],
    });
    expect(kept.map((m) => Number(m.offset))).toEqual([4, 6, 7, 8]);
  });

  it('drops the records of every transaction that began before the fetched range', () => {
    const messages = [
      record(10, '2'),
      record(11, '1'),
      marker(12, '1', ABORT),
      marker(13, '2', ABORT),
      record(14, '1'),
    ];
    const kept = filterAbortedMessages({
      messages,
      abortedTransactions: [
        { producerId: '1', firstOffset: '3' },
        { producerId: '2', firstOffset: '5' },
      ],
    });
    expect(kept.map((m) => Number(m.offset))).toEqual([12, 13, 14]);
  });
});
