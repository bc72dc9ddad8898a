import { describe, expect, it } from 'vitest';
import { orphanedTransactions, segmentBatches, type BatchHeader } from './transaction-markers.js';

interface BatchSpec {
  readonly offset: number;
  readonly count?: number;
  readonly producerId?: number;
  readonly epoch?: number;
  readonly transactional?: boolean;
  readonly control?: boolean;
  readonly at?: number;
}

/** A magic-2 record batch as a broker stores it: the 61-byte header and `records` bytes of body. */
function batch(spec: BatchSpec, records = 20): Buffer {
  const b = Buffer.alloc(61 + records);
  b.writeBigInt64BE(BigInt(spec.offset), 0);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt8(2, 16);
  const attributes = (spec.transactional === false ? 0 : 1 << 4) | (spec.control ? 1 << 5 : 0);
  b.writeInt16BE(attributes, 21);
  b.writeInt32BE((spec.count ?? 1) - 1, 23);
  b.writeBigInt64BE(BigInt(spec.at ?? 1_000), 27);
  b.writeBigInt64BE(BigInt(spec.at ?? 1_000), 35);
  b.writeBigInt64BE(BigInt(spec.producerId ?? 7), 43);
  b.writeInt16BE(spec.epoch ?? 0, 51);
  return b;
}

const log = (...specs: BatchSpec[]): BatchHeader[] =>
  segmentBatches(Buffer.concat(specs.map((s) => batch(s))));

describe('segmentBatches', () => {
  it('reads every batch header of a segment in order', () => {
    const headers = segmentBatches(
      Buffer.concat([
        batch({ offset: 0, count: 3, producerId: 5, epoch: 2, at: 42 }),
        batch({ offset: 3, control: true, producerId: 5, epoch: 2 }, 18),
        batch({ offset: 4, transactional: false, producerId: -1 }),
      ]),
    );
    expect(headers).toEqual([
      {
        baseOffset: 0n,
        lastOffset: 2n,
        maxTimestamp: 42,
        producerId: 5n,
        producerEpoch: 2,
        transactional: true,
        control: false,
      },
      {
        baseOffset: 3n,
        lastOffset: 3n,
        maxTimestamp: 1_000,
        producerId: 5n,
        producerEpoch: 2,
        transactional: true,
        control: true,
      },
      {
        baseOffset: 4n,
        lastOffset: 4n,
        maxTimestamp: 1_000,
        producerId: -1n,
        producerEpoch: 0,
        transactional: false,
        control: false,
      },
    ]);
  });

  it('stops at a batch cut short, as a crash leaves a segment before recovery', () => {
    const whole = batch({ offset: 0 });
    const torn = batch({ offset: 1 }).subarray(0, 70);
    expect(segmentBatches(Buffer.concat([whole, torn])).map((h) => h.baseOffset)).toEqual([0n]);
  });

  it('refuses what is not a record batch of magic 2', () => {
    const old = batch({ offset: 0 });
    old.writeInt8(1, 16);
    expect(() => segmentBatches(old)).toThrow(/magic 2/);
  });
});

describe('orphanedTransactions', () => {
  it('finds none where every transaction ends with a marker, across epochs and producers', () => {
    const batches = log(
      { offset: 0, producerId: 1, epoch: 0 },
      { offset: 1, producerId: 2, epoch: 0 },
      { offset: 2, producerId: 1, epoch: 0, control: true },
      { offset: 3, producerId: 1, epoch: 1 },
      { offset: 4, producerId: 2, epoch: 0, control: true },
      { offset: 5, producerId: 1, epoch: 1, control: true },
      { offset: 6, producerId: 3, transactional: false },
    );
    expect(orphanedTransactions('t-0', batches, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('finds a transaction whose producer wrote again in a later epoch with no marker in between', () => {
    const batches = log(
      { offset: 10, count: 2, producerId: 34, epoch: 0 },
      { offset: 12, count: 3, producerId: 34, epoch: 0 },
      { offset: 15, count: 5, producerId: 34, epoch: 1 },
      { offset: 20, producerId: 34, epoch: 1, control: true },
    );
    expect(orphanedTransactions('t-2', batches, 0)).toEqual([
      {
        partition: 't-2',
        producerId: '34',
        producerEpoch: 0,
        firstOffset: '10',
        lastOffset: '14',
        followedByEpoch: 1,
      },
    ]);
  });

  it('counts a transaction still open at the end only when its last write is older than openSince', () => {
    const batches = log(
      { offset: 0, producerId: 1, at: 100 },
      { offset: 1, producerId: 2, at: 5_000 },
    );
    expect(orphanedTransactions('t-0', batches, 1_000)).toEqual([
      {
        partition: 't-0',
        producerId: '1',
        producerEpoch: 0,
        firstOffset: '0',
        lastOffset: '0',
        followedByEpoch: null,
      },
    ]);
  });
});
