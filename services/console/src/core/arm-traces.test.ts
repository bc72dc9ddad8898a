import { ARM_COLORS } from '@kanary/charts';
import { describe, expect, it } from 'vitest';
import { armTraces } from './arm-traces.js';
import { ARMS, bucket, T0 } from './evidence.fixtures.js';
import { evidenceSeries } from './evidence-series.js';

describe('armTraces', () => {
  it('draws cumulative accuracy with its interval, and each slot’s own latency and label coverage', () => {
    const series = evidenceSeries(
      [
        bucket(ARMS.canary, 0, { routed: 10, labelled: 10, correct: 9 }, { latencies: [10, 30] }),
        bucket(ARMS.canary, 1_000, { routed: 20, labelled: 5, correct: 0 }, { latencies: [100] }),
        bucket(ARMS.canary, 2_000, { routed: 0, labelled: 0 }),
        bucket(ARMS.shadow, 0, { routed: 4, labelled: 2, correct: 2 }),
      ],
      { low: null, maxSlots: 100 },
    );
    const [canary, shadow] = armTraces(series);
    expect(canary).toMatchObject({ name: 'canary v2', shortName: 'canary' });
    expect(canary!.color).toBe(ARM_COLORS.canary);
    expect(shadow).toMatchObject({ name: 'shadow v2', shortName: 'shadow' });
    const points = canary!.points;
    expect(points.map((p) => p.at - T0)).toEqual([1_000, 2_000, 3_000]);
    expect(points.map((p) => p.accuracy)).toEqual([0.9, 9 / 15, 9 / 15]);
    expect(points.map((p) => p.coverage)).toEqual([1, 0.25, null]);
    expect(points[1]!.latencyP50).toBeCloseTo(100, 0);
    expect(points[2]!.latencyP50).toBeNull();
    const interval = points[1]!.interval!;
    expect(interval.lower).toBeLessThan(9 / 15);
    expect(interval.upper).toBeGreaterThan(9 / 15);
  });
});
