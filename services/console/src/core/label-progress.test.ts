import { armKey } from '@kanary/evidence';
import { describe, expect, it } from 'vitest';
import { ARMS, bucket, T0 } from './evidence.fixtures.js';
import { isMature, labelProgress } from './label-progress.js';

describe('isMature', () => {
  // A bucket [T0, T0 + 1 s) with a 15 s window is mature from T0 + 16 s on.
  it.each([
    { low: null, mature: false },
    { low: T0 + 15_999, mature: false },
    { low: T0 + 16_000, mature: true },
    { low: T0 + 60_000, mature: true },
  ])('watermark $low → $mature', ({ low, mature }) => {
    expect(isMature({ bucketStart: T0, bucketMs: 1_000, maturityMs: 15_000 }, low)).toBe(mature);
  });
});

describe('labelProgress', () => {
  it('splits each arm into mature buckets (coverage) and open ones (awaiting a label), over every source partition', () => {
    const buckets = [
      // Two source partitions' shares of the same mature bucket.
      bucket(ARMS.canary, 0, { routed: 10, labelled: 7, lateLabels: 1 }),
      bucket(ARMS.canary, 0, { routed: 6, labelled: 5 }),
      // Open: 20 routed, 4 labelled, 1 late → 15 awaiting.
      bucket(ARMS.canary, 10_000, { routed: 20, labelled: 4, lateLabels: 1 }),
      // Open, labels bucketed by prediction time ahead of their requests: clamped per arm only.
      bucket(ARMS.stable, 10_000, { routed: 0, labelled: 3 }),
      bucket(ARMS.stable, 11_000, { routed: 5, labelled: 0 }),
    ];
    const progress = labelProgress(buckets, T0 + 16_000);
    expect(progress.get(armKey(ARMS.canary))).toEqual({
      matureRouted: 16,
      matureLabelled: 12,
      awaiting: 15,
      newestEnd: T0 + 11_000,
    });
    expect(progress.get(armKey(ARMS.stable))).toMatchObject({ matureRouted: 0, awaiting: 2 });
    expect(labelProgress(buckets, null).get(armKey(ARMS.canary))).toMatchObject({
      matureRouted: 0,
      awaiting: 15 + 2 + 1,
    });
  });

  it('never reports a negative number awaiting', () => {
    const progress = labelProgress([bucket(ARMS.stable, 0, { routed: 1, labelled: 3 })], null);
    expect(progress.get(armKey(ARMS.stable))?.awaiting).toBe(0);
  });
});
