import { describe, expect, it } from 'vitest';
import type { Evaluation } from '@kanary/contracts';
import { armReport } from './arm-report.js';
import { EvidenceBook } from './evidence-book.js';
import { T0, evaluation, routed, twoPartitionFolder } from './evidence.fixtures.js';

/** The report of the one arm that `evaluations`, split over two source partitions, give. */
function reportOf(evaluations: ReadonlyArray<Partial<Evaluation>>) {
  const parts = [twoPartitionFolder(0), twoPartitionFolder(1)];
  evaluations.forEach((overrides, i) => {
    const f = parts[i % 2]!;
    const requestId = `r-${i}`;
    f.onRouted(routed({ requestId, routedAt: T0 + i * 400 }));
    f.onEvaluation(evaluation({ requestId, predictedAt: T0 + i * 400, ...overrides }));
  });
  const book = new EvidenceBook();
  for (const f of parts) for (const record of f.checkpoint(T0 + 10_000)) book.apply(record);
  const arms = book.armTotals('ro-1');
  expect(arms).toHaveLength(1);
  return armReport(arms[0]!);
}

describe('armReport', () => {
  it('gives a classification arm its accuracy and no numeric, probability, outcome or segment numbers', () => {
    const report = reportOf([{ correct: true }, { correct: false }, { correct: true }, {}]);
    expect(report).toMatchObject({
      variant: 'v-stable',
      role: 'STABLE',
      routed: 4,
      labelled: 4,
      correct: 3,
      accuracy: 0.75,
      errorRate: 0,
      numeric: 0,
      meanAbsError: null,
      rootMeanSquaredError: null,
      logLoss: null,
      brier: null,
      outcomes: {},
      segments: [],
    });
  });

  it('gives MAE, RMSE, log-loss, Brier and outcome means over every partition, and per segment accuracy and MAE, most labelled first', () => {
    const report = reportOf([
      { absError: 1, correct: true, segment: 'south', outcomes: { revenue: 10 } },
      { absError: 3, correct: false, segment: 'north', outcomes: { revenue: 20 } },
      { absError: 5, correct: false, segment: 'north' },
      { absError: 7, correct: true, segment: 'north' },
      { logLoss: 0.2, brier: 0.1, correct: true },
      { logLoss: 0.6, brier: 0.3, correct: false, segment: 'east' },
    ]);
    expect(report.labelled).toBe(6);
    expect(report.accuracy).toBeCloseTo(3 / 6, 12);
    expect(report.numeric).toBe(4);
    // |e| = 1, 3, 5, 7: mean 4; e² = 1, 9, 25, 49: mean 21.
    expect(report.meanAbsError).toBe(4);
    expect(report.rootMeanSquaredError).toBeCloseTo(Math.sqrt(21), 12);
    expect(report.logLoss).toBeCloseTo(0.4, 12);
    expect(report.brier).toBeCloseTo(0.2, 12);
    expect(report.outcomes).toEqual({ revenue: 15 });
    expect(report.segments).toEqual([
      { segment: 'north', labelled: 3, correct: 1, accuracy: 1 / 3, mae: 5 },
      { segment: 'east', labelled: 1, correct: 0, accuracy: 0, mae: null },
      { segment: 'south', labelled: 1, correct: 1, accuracy: 1, mae: 1 },
    ]);
  });
});
