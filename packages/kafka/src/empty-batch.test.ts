import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Log compaction can empty a record batch and keep its header (the broker keeps it for the
// producer's state). kafkajs handed such a batch to nobody and never moved its position past it,
// so a fetch that returned only that batch (the end of a segment) was repeated forever
// (tulios/kafkajs#1072). patches/kafkajs@2.2.4.patch moves past it, as the Java consumer does.
const require = createRequire(import.meta.url);

interface EncoderLike {
  readonly buffer: Buffer;
}
interface DecodedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly isControlRecord: boolean;
}
interface KafkaJsBatch {
  readonly messages: DecodedMessage[];
  isEmpty(): boolean;
  isEmptyDueToFiltering(): boolean;
  lastOffset(): string;
}

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: {
    firstOffset: string;
    lastOffsetDelta: number;
    producerId?: string;
    producerEpoch?: number;
    transactional?: boolean;
    records: EncoderLike[];
  }) => Promise<EncoderLike>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: {
  offsetDelta: number;
  key: Buffer;
  value: Buffer;
}) => EncoderLike;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as (
  decoder: unknown,
) => Promise<DecodedMessage[]>;
const Batch = require('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: {
    partition: number;
    highWatermark: string;
    abortedTransactions: unknown[];
    messages: DecodedMessage[];
  },
) => KafkaJsBatch;

/** The record set of a fetch response: its size, then the batches. */
async function fetchedRecords(batches: Array<Promise<EncoderLike>>): Promise<DecodedMessage[]> {
  const body = Buffer.concat((await Promise.all(batches)).map((b) => b.buffer));
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return decodeMessages(new Decoder(Buffer.concat([size, body])));
}

/** Two records compaction removed: offsets first and first + 1, nothing left but the header. */
const emptied = (first: number) =>
  RecordBatch({
    firstOffset: String(first),
    lastOffsetDelta: 1,
    producerId: '41',
    producerEpoch: 2,
    transactional: true,
    records: [],
  });

const oneRecord = (offset: number) =>
  RecordBatch({
    firstOffset: String(offset),
    lastOffsetDelta: 0,
    records: [Record({ offsetDelta: 0, key: Buffer.from('k'), value: Buffer.from('v') })],
  });

const batchOf = (fetchedOffset: number, messages: DecodedMessage[]) =>
  new Batch('evidence', String(fetchedOffset), {
    partition: 3,
    highWatermark: '175',
    abortedTransactions: [],
    messages,
  });

describe('a record batch emptied by compaction (kafkajs, patched)', () => {
  it('moves the position past it when a fetch returns nothing else', async () => {
    const batch = batchOf(172, await fetchedRecords([emptied(172)]));
    // Nothing reaches the consumer's handler, and the runner resolves the batch's last offset
    // (it does so for a batch whose records were all filtered), so the next fetch starts at 174.
    expect(batch.isEmpty()).toBe(true);
    expect(batch.isEmptyDueToFiltering()).toBe(true);
    expect(batch.lastOffset()).toBe('173');
  });

  it('hands over the records that follow it, and only those', async () => {
    const batch = batchOf(172, await fetchedRecords([emptied(172), oneRecord(174)]));
    expect(batch.messages.map((m) => [m.offset, m.key?.toString()])).toEqual([['174', 'k']]);
    expect(batch.lastOffset()).toBe('174');
  });
});
