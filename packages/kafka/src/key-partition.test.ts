import kafkajs, { type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DefaultPartitioner, keyPartition } from './key-partition.js';

const { Partitioners } = kafkajs;

const metadata = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
    partitionErrorCode: 0,
  }));

describe('keyPartition', () => {
  // Reference: the Java client (kafka-clients 4.3.1) computed in jshell,
  // Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % n.
  it.each([
    ['0', 4, 0],
    ['0', 6, 2],
    ['1', 4, 3],
    ['128', 6, 5],
    ['r-000001', 4, 2],
    ['r-000001', 6, 0],
    ['4e6f5a9c-1d2b-4a7e-9c1f-0b5d2e3f4a6b', 4, 2],
    ['4e6f5a9c-1d2b-4a7e-9c1f-0b5d2e3f4a6b', 6, 4],
  ])('puts key %s of %i partitions where murmur2 does', (key, n, expected) => {
    expect(keyPartition(key, n)).toBe(expected);
    expect(keyPartition(Buffer.from(key), n)).toBe(expected);
  });

  it("agrees with kafkajs' murmur2 partitioner on 20,000 keys of every length, non-ASCII too", () => {
    const reference = Partitioners.DefaultPartitioner();
    const alphabet = ['a', 'Z', '7', '-', 'é', 'ß', '中', '😀', ' ', '\u0000'];
    let seed = 12_345;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let differ = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const length = i % 41;
      let key = '';
      for (let c = 0; c < length; c += 1) key += alphabet[Math.floor(random() * alphabet.length)];
      for (const n of [1, 3, 4, 6, 12, 100]) {
        const expected = reference({
          topic: 't',
          partitionMetadata: metadata(n),
          message: { key, value: null },
        });
        if (keyPartition(key, n) !== expected) differ += 1;
      }
    }
    expect(differ).toBe(0);
  });

  it('hashes keys longer than its scratch space as their UTF-8 bytes', () => {
    for (const key of ['k'.repeat(1_025), 'é'.repeat(600), `${'a'.repeat(1_023)}😀`]) {
      for (const n of [3, 4, 6]) {
        expect(keyPartition(key, n)).toBe(keyPartition(Buffer.from(key, 'utf8'), n));
      }
    }
    expect(keyPartition('é'.repeat(600), 7)).not.toBe(keyPartition('e'.repeat(600), 7));
  });

  it('spreads keys over every partition', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => keyPartition(`r-${i}`, 6)));
    expect(seen).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });
});

describe('DefaultPartitioner', () => {
  const partition = DefaultPartitioner();

  it("keeps a record's own partition, else hashes its key", () => {
    const partitionMetadata = metadata(6);
    expect(
      partition({
        topic: 't',
        partitionMetadata,
        message: { key: 'r-000001', value: null, partition: 5 },
      }),
    ).toBe(5);
    expect(
      partition({ topic: 't', partitionMetadata, message: { key: 'r-000001', value: null } }),
    ).toBe(0);
  });

  it('spreads keyless records over the partitions that have a leader', () => {
    const partitionMetadata = metadata(4, [1, 3]);
    const seen = new Set(
      Array.from({ length: 20 }, () =>
        partition({ topic: 't', partitionMetadata, message: { value: 'v' } }),
      ),
    );
    expect(seen).toEqual(new Set([0, 2]));
  });
});
