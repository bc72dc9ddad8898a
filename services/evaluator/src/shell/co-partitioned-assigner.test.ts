import { describe, expect, it } from 'vitest';
import { coPartitionedAssignment } from './co-partitioned-assigner.js';

describe('coPartitionedAssignment', () => {
  it.each([
    {
      members: ['b', 'a'],
      counts: { predictions: 3, labels: 3 },
      expected: {
        a: { predictions: [0, 2], labels: [0, 2] },
        b: { predictions: [1], labels: [1] },
      },
    },
    {
      members: ['m1', 'm2', 'm3'],
      counts: { predictions: 4, labels: 4 },
      expected: {
        m1: { predictions: [0, 3], labels: [0, 3] },
        m2: { predictions: [1], labels: [1] },
        m3: { predictions: [2], labels: [2] },
      },
    },
    {
      members: ['a', 'b', 'c'],
      counts: { predictions: 2, labels: 2 },
      expected: {
        a: { predictions: [0], labels: [0] },
        b: { predictions: [1], labels: [1] },
        c: { predictions: [], labels: [] },
      },
    },
    {
      members: ['solo'],
      counts: { predictions: 4, labels: 4 },
      expected: { solo: { predictions: [0, 1, 2, 3], labels: [0, 1, 2, 3] } },
    },
  ])(
    'gives partition p of every topic to one member: $members',
    ({ members, counts, expected }) => {
      expect(Object.fromEntries(coPartitionedAssignment(members, counts))).toEqual(expected);
    },
  );

  it('assigns each partition number exactly once across members', () => {
    const members = Array.from({ length: 5 }, (_, i) => `member-${i}`);
    const result = coPartitionedAssignment(members, { predictions: 12, labels: 12 });
    const owners = new Map<number, string>();
    for (const [member, topics] of result) {
      expect(topics.predictions).toEqual(topics.labels);
      for (const p of topics.predictions ?? []) {
        expect(owners.has(p)).toBe(false);
        owners.set(p, member);
      }
    }
    expect([...owners.keys()].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
  });
});
