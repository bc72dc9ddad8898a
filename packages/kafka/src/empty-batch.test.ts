import { describe, expect, it } from 'vitest';
import { kafkajsProtocol } from './index.js';

// Log compaction can empty a record batch and keep its header (the broker keeps it for the
// producer's state). kafkajs handed such a batch to nobody and never moved its position past it,
// so a fetch that returned only that batch (the end of a segment) was repeated forever
// (tulios/kafkajs#1072). patches/kafkajs@2.2.4.patch moves past it, as the Java consumer does.
const { ConsumerBatch, Decoder, decodeFetchedRecords, encodeRecord, encodeRecordBatch } =
  kafkajsProtocol;
type EncoderLike = kafkajsProtocol.KafkajsEncoder;
type DecodedMessage = kafkajsProtocol.KafkajsDecodedRecord;

/** The record set of a fetch response: its size, then the batches. */
async function fetchedRecords(batches: Array<Promise<EncoderLike>>): Promise<DecodedMessage[]> {
  const body = Buffer.concat((await Promise.all(batches)).map((b) => b.buffer));
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return decodeFetchedRecords(new Decoder(Buffer.concat([size, body])));
}

/** Two records compaction removed: offsets first and first + 1, nothing left but the header. */
const emptied = (first: number) =>
  encodeRecordBatch({
    firstOffset: String(first),
    lastOffsetDelta: 1,
    producerId: '41',
    producerEpoch: 2,
    transactional: true,
    records: [],
  });

const oneRecord = (offset: number) =>
  encodeRecordBatch({
    firstOffset: String(offset),
    lastOffsetDelta: 0,
    records: [encodeRecord({ offsetDelta: 0, key: Buffer.from('k'), value: Buffer.from('v') })],
  });

const batchOf = (fetchedOffset: number, messages: DecodedMessage[]) =>
  new ConsumerBatch('evidence', String(fetchedOffset), {
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
