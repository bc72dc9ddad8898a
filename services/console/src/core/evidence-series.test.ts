import { describe, expect, it } from 'vitest';
import { ARMS, bucket, T0 } from './evidence.fixtures.js';
import { evidenceSeries } from './evidence-series.js';

describe('evidenceSeries', () => {
  it('sums each arm per bucket over every source partition, stable first, oldest first', () => {
    const series = evidenceSeries(
      [
        bucket(ARMS.shadow, 0, { routed: 1 }),
        bucket(ARMS.canary, 1_000, { routed: 4, labelled: 3, correct: 2 }, { latencies: [40] }),
        bucket(ARMS.canary, 0, { routed: 5, labelled: 4, correct: 4 }, { latencies: [10] }),
        bucket(ARMS.canary, 0, { routed: 7, labelled: 6, correct: 5 }, { latencies: [20] }),
        bucket(ARMS.stable, 0, { routed: 50 }),
      ],
      { low: T0 + 16_000, maxSlots: 100 },
    );
    expect(series.map((s) => [s.arm.role, s.arm.served])).toEqual([
      ['STABLE', true],
      ['CANARY', true],
      ['SHADOW', false],
    ]);
    const canary = series[1]!.slots;
    expect(
      canary.map((s) => [s.start - T0, s.end - T0, s.counts.routed, s.counts.correct]),
    ).toEqual([
      [0, 1_000, 12, 9],
      [1_000, 2_000, 4, 2],
    ]);
    expect(canary[0]!.latency.count).toBe(2);
    // Mature: the first bucket (end + 15 s ≤ T0 + 16 s), not the second.
    expect(canary.map((s) => s.mature)).toEqual([true, false]);
  });

  it('keeps a long rollout within maxSlots by whole multiples of the bucket width, with exact sums', () => {
    const buckets = Array.from({ length: 1_000 }, (_, i) =>
      bucket(ARMS.canary, i * 1_000, { routed: 3, labelled: 2, correct: 1 }, { latencies: [i] }),
    );
    const [canary] = evidenceSeries(buckets, { low: null, maxSlots: 50 });
    const slots = canary!.slots;
    expect(slots.length).toBeLessThanOrEqual(50);
    const width = slots[0]!.end - slots[0]!.start;
    expect(width % 1_000).toBe(0);
    for (const s of slots) expect(s.start % width).toBe(0);
    const sum = (f: (s: (typeof slots)[number]) => number) => slots.reduce((n, s) => n + f(s), 0);
    expect(sum((s) => s.counts.routed)).toBe(3_000);
    expect(sum((s) => s.counts.correct)).toBe(1_000);
    expect(sum((s) => s.latency.count)).toBe(1_000);
    expect(slots.every((s) => !s.mature)).toBe(true);
  });

  it('sums buckets of a finer width into the widest one', () => {
    const [stable] = evidenceSeries(
      [
        bucket(ARMS.stable, 0, { routed: 1 }, { bucketMs: 1_000 }),
        bucket(ARMS.stable, 4_000, { routed: 2 }, { bucketMs: 1_000 }),
        bucket(ARMS.stable, 0, { routed: 4 }, { bucketMs: 5_000 }),
      ],
      { low: null, maxSlots: 100 },
    );
    expect(stable!.slots.map((s) => [s.end - s.start, s.counts.routed])).toEqual([[5_000, 7]]);
  });

  it('has nothing to show without evidence', () => {
    expect(evidenceSeries([], { low: null, maxSlots: 10 })).toEqual([]);
  });
});
