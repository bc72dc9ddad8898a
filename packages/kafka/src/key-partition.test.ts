import { describe, expect, it } from 'vitest';
import { keyPartition } from './key-partition.js';

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
  });

  it('spreads keys over every partition', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => keyPartition(`r-${i}`, 6)));
    expect(seen).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });
});
