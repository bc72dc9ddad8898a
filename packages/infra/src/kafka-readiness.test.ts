import { describe, expect, it } from 'vitest';
import { idsCoveringPartitions, javaStringHash } from './kafka-readiness.js';

describe('javaStringHash', () => {
  // Reference values from java.lang.String#hashCode.
  it.each([
    ['', 0],
    ['a', 97],
    ['hello', 99162322],
    ['polygenelubricants', -2147483648],
  ])('hash(%j) = %i', (value, hash) => {
    expect(javaStringHash(value)).toBe(hash);
  });
});

describe('idsCoveringPartitions', () => {
  it('finds one id per coordinator partition', () => {
    const ids = idsCoveringPartitions(50);
    const partitions = new Set(ids.map((id) => (javaStringHash(id) & 0x7fffffff) % 50));
    expect(ids).toHaveLength(50);
    expect(partitions.size).toBe(50);
  });
});
