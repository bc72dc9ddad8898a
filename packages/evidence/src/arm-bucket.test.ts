import type { ArmEvidence } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { ArmBucket } from './arm-bucket.js';
import type { ArmId } from './evidence-key.js';
import { T0, evaluation } from './evidence.fixtures.js';
import { MeanMetric, momentsOf, outcomeMetric } from './mean-moments.js';

const ARM: ArmId = {
  rolloutId: 'ro-1',
  model: 'weather',
  variant: 'v1',
  role: 'STABLE',
  served: true,
};
const SOURCE = { partition: 0, partitions: 1, watermark: T0 };

const bucket = () => new ArmBucket(ARM, T0, 1_000, 15_000, 0.01);

/** Three labelled evaluations with every kind of value, and one late label. */
function folded(): ArmBucket {
  const b = bucket();
  b.addEvaluation(evaluation({ absError: 2, segment: 'eu', outcomes: { revenue: 10 } }));
  b.addEvaluation(
    evaluation({ correct: false, logLoss: 1.5, brier: 0.75, segment: 'us', status: 'ERROR' }),
  );
  b.addEvaluation(
    evaluation({ absError: 1, logLoss: 0.5, brier: 0.25, segment: 'eu', outcomes: { revenue: 4 } }),
  );
  b.addEvaluation(evaluation({ labeledAt: T0 + 150 + 15_001, logLoss: 9, segment: 'eu' }));
  return b;
}

describe('ArmBucket', () => {
  it('folds the mean metrics and segments of labelled evaluations only', () => {
    const b = folded();
    expect(b.counts).toMatchObject({
      labelled: 3,
      correct: 2,
      errors: 1,
      numeric: 2,
      absErrorSum: 3,
      absErrorSquares: 5,
      lateLabels: 1,
    });
    expect(Object.fromEntries(b.means)).toEqual({
      squaredError: { n: 2, sum: 5, squares: 17 },
      logLoss: { n: 2, sum: 2, squares: 2.5 },
      brier: { n: 2, sum: 1, squares: 0.625 },
      'outcome:revenue': { n: 2, sum: 14, squares: 116 },
    });
    expect(b.means.has(MeanMetric.ABS_ERROR)).toBe(false);
    expect(b.segments.get('eu')).toMatchObject({ labelled: 2, correct: 2, errors: 0 });
    expect(Object.fromEntries(b.segments.get('eu')?.means ?? [])).toEqual({
      absError: { n: 2, sum: 3, squares: 5 },
      squaredError: { n: 2, sum: 5, squares: 17 },
      logLoss: { n: 1, sum: 0.5, squares: 0.25 },
      brier: { n: 1, sum: 0.25, squares: 0.0625 },
      'outcome:revenue': { n: 2, sum: 14, squares: 116 },
    });
    expect(b.segments.get('us')).toMatchObject({ labelled: 1, correct: 0, errors: 1 });
  });

  it('gives every metric through momentsOf, absError from its counts', () => {
    const b = folded();
    expect(momentsOf(b, MeanMetric.ABS_ERROR)).toEqual({ n: 2, sum: 3, squares: 5 });
    expect(momentsOf(b, MeanMetric.LOG_LOSS)).toEqual({ n: 2, sum: 2, squares: 2.5 });
    expect(momentsOf(b, outcomeMetric('revenue'))).toEqual({ n: 2, sum: 14, squares: 116 });
    expect(momentsOf(b, outcomeMetric('clicks'))).toEqual({ n: 0, sum: 0, squares: 0 });
  });

  it('writes means and segments sorted into its record and reads them back', () => {
    const record = folded().toRecord(SOURCE, T0);
    expect(record.means.map((m) => m.metric)).toEqual([
      'brier',
      'logLoss',
      'outcome:revenue',
      'squaredError',
    ]);
    expect(record.segments.map((s) => s.segment)).toEqual(['eu', 'us']);
    expect(record.segments[0]?.means.map((m) => m.metric)).toEqual([
      'absError',
      'brier',
      'logLoss',
      'outcome:revenue',
      'squaredError',
    ]);
    const restored = ArmBucket.fromRecord(record);
    expect(restored.means).toEqual(folded().means);
    expect(restored.segments).toEqual(folded().segments);
    expect(restored.toRecord(SOURCE, T0)).toEqual(record);
  });

  it('reads a record of an older writer, without means or segments, as having none', () => {
    const current = bucket().toRecord(SOURCE, T0);
    // Avro fills the defaults ([]) for a record written without the fields; JSON has none.
    const { means: _means, segments: _segments, ...older } = current;
    for (const record of [current, older as ArmEvidence]) {
      const b = ArmBucket.fromRecord(record);
      expect(b.means.size).toBe(0);
      expect(b.segments.size).toBe(0);
      b.addEvaluation(evaluation({ logLoss: 0.5, segment: 'eu' }));
      expect(b.toRecord(SOURCE, T0).means).toEqual([
        { metric: 'logLoss', n: 1, sum: 0.5, squares: 0.25 },
      ]);
    }
  });
});
