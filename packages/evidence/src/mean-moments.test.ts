import { describe, expect, it } from 'vitest';
import {
  MeanMetric,
  addEvaluationMeans,
  addMeans,
  meansFromRecord,
  meansRecord,
  momentsOf,
  outcomeMetric,
  outcomeName,
  type MeanInputs,
  type Moments,
} from './mean-moments.js';

const NO_VALUES: MeanInputs = { absError: null, logLoss: null, brier: null, outcomes: null };

describe('mean moments', () => {
  it.each<[string, MeanInputs, boolean, Record<string, Moments>]>([
    ['nothing for an evaluation without values', NO_VALUES, false, {}],
    [
      'squared error, not the absolute error, for an arm',
      { ...NO_VALUES, absError: 3 },
      false,
      { squaredError: { n: 1, sum: 9, squares: 81 } },
    ],
    [
      'the absolute error too for a segment',
      { ...NO_VALUES, absError: 0.5 },
      true,
      {
        absError: { n: 1, sum: 0.5, squares: 0.25 },
        squaredError: { n: 1, sum: 0.25, squares: 0.0625 },
      },
    ],
    [
      'log-loss, Brier score and every outcome',
      { absError: null, logLoss: 0.25, brier: 0.5, outcomes: { revenue: 12, clicks: 0 } },
      false,
      {
        logLoss: { n: 1, sum: 0.25, squares: 0.0625 },
        brier: { n: 1, sum: 0.5, squares: 0.25 },
        'outcome:revenue': { n: 1, sum: 12, squares: 144 },
        'outcome:clicks': { n: 1, sum: 0, squares: 0 },
      },
    ],
  ])('folds %s', (_name, inputs, withAbsError, expected) => {
    const means = new Map<string, Moments>();
    addEvaluationMeans(means, inputs, withAbsError);
    expect(Object.fromEntries(means)).toEqual(expected);
  });

  it('accumulates count, sum and sum of squares', () => {
    const means = new Map<string, Moments>();
    for (const value of [1, 2, 4]) addEvaluationMeans(means, { ...NO_VALUES, brier: value }, false);
    expect(means.get(MeanMetric.BRIER)).toEqual({ n: 3, sum: 7, squares: 21 });
  });

  it('merges by metric without touching the source', () => {
    const into = new Map<string, Moments>([['logLoss', { n: 1, sum: 2, squares: 4 }]]);
    const from = new Map<string, Moments>([
      ['logLoss', { n: 2, sum: 1, squares: 0.5 }],
      ['brier', { n: 1, sum: 0.5, squares: 0.25 }],
    ]);
    addMeans(into, from);
    addMeans(into, from);
    expect(Object.fromEntries(into)).toEqual({
      logLoss: { n: 5, sum: 4, squares: 5 },
      brier: { n: 2, sum: 1, squares: 0.5 },
    });
    expect(from.get('brier')).toEqual({ n: 1, sum: 0.5, squares: 0.25 });
  });

  it('writes its record sorted by metric and reads it back', () => {
    const means = new Map<string, Moments>([
      ['outcome:revenue', { n: 1, sum: 3, squares: 9 }],
      ['brier', { n: 2, sum: 1, squares: 0.5 }],
      ['logLoss', { n: 2, sum: 1.5, squares: 1.25 }],
    ]);
    const record = meansRecord(means);
    expect(record.map((m) => m.metric)).toEqual(['brier', 'logLoss', 'outcome:revenue']);
    expect(record[0]).toEqual({ metric: 'brier', n: 2, sum: 1, squares: 0.5 });
    expect(meansFromRecord(record)).toEqual(means);
    expect(meansFromRecord(undefined)).toEqual(new Map());
  });

  it('names outcomes as metrics and back', () => {
    expect(outcomeMetric('watch time')).toBe('outcome:watch time');
    expect(outcomeName(outcomeMetric('watch time'))).toBe('watch time');
    expect(outcomeName(MeanMetric.LOG_LOSS)).toBeUndefined();
  });

  it('reads absError of an arm from its counts, other metrics from its moments', () => {
    const arm = {
      counts: { numeric: 4, absErrorSum: 6, absErrorSquares: 11 },
      means: new Map([['squaredError', { n: 4, sum: 11, squares: 41 }]]),
    };
    expect(momentsOf(arm, MeanMetric.ABS_ERROR)).toEqual({ n: 4, sum: 6, squares: 11 });
    expect(momentsOf(arm, MeanMetric.SQUARED_ERROR)).toEqual({ n: 4, sum: 11, squares: 41 });
    expect(momentsOf(arm, outcomeMetric('revenue'))).toEqual({ n: 0, sum: 0, squares: 0 });
    const segment = { means: new Map([['absError', { n: 1, sum: 2, squares: 4 }]]) };
    expect(momentsOf(segment, MeanMetric.ABS_ERROR)).toEqual({ n: 1, sum: 2, squares: 4 });
  });
});
