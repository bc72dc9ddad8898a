import { describe, expect, it } from 'vitest';
import { T0, scoredBook } from './evidence.fixtures.js';
import { evidenceJson } from './evidence-json.js';
import { evidenceSeries } from './evidence-series.js';

describe('evidenceJson', () => {
  it('gives each slot the moments of the metrics its evaluations carried, summed over every source partition', () => {
    const book = scoredBook();
    const progress = book.progress();
    const json = evidenceJson(
      progress,
      evidenceSeries(book.buckets('r1'), { low: progress.low, maxSlots: 100 }),
    );
    expect(json).toMatchObject({ partitions: 2, low: T0 + 20_000 });
    const [stable, canary] = json.arms;
    expect(stable!.slots).toHaveLength(1);
    expect(stable!.slots[0]!.means).toEqual({
      brier: {
        n: 20,
        sum: expect.closeTo(20 * 0.0126, 12),
        squares: expect.closeTo(20 * 0.0126 ** 2, 12),
      },
      logLoss: {
        n: 20,
        sum: expect.closeTo(20 * 0.0943, 12),
        squares: expect.closeTo(20 * 0.0943 ** 2, 12),
      },
      'outcome:umbrellasSold': { n: 20, sum: 60, squares: 180 },
    });
    // |e| = i mod 4, i = 0…39, in each of two partitions: Σ|e| = 2 × 60, Σe² = 2 × 140.
    expect(canary!.slots[0]).toMatchObject({
      labelled: 80,
      correct: 60,
      means: {
        absError: { n: 80, sum: 120, squares: 280 },
        squaredError: { n: 80, sum: 280, squares: 2 * 10 * (1 + 16 + 81) },
        'outcome:revenue': { n: 80, sum: 800, squares: 8_000 },
      },
    });
    expect(Object.keys(canary!.slots[0]!.means)).toEqual([
      'absError',
      'outcome:revenue',
      'squaredError',
    ]);
  });
});
