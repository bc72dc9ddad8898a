import { describe, expect, it } from 'vitest';
import { DecisionAction, type MetricEvidence } from '@kanary/contracts';
import type { MeanMoments } from '@kanary/stats';
import { decide } from './decide.js';
import { parsePolicy } from './parse-policy.js';
import type { ArmCounts, MeanCounts, SegmentCounts } from './observations.js';
import { NOW, arm, counts, liveState, observations, shadowState } from './policy.fixtures.js';
import { dataShape, resolveScorecard } from './scorecard.js';
import type { PolicyInput } from './policy-schema.js';

/** Moments of n values with this mean and standard deviation. */
const moments = (n: number, mean: number, sd: number): MeanMoments => ({
  n,
  sum: n * mean,
  squares: n * (sd * sd + mean * mean),
});

const withMeans = (base: ArmCounts, means: MeanCounts, segments = {}): ArmCounts => ({
  ...base,
  means,
  segments,
});

const rowsOf = (evidence: readonly MetricEvidence[], metric: string) =>
  evidence.filter((e) => e.metric === metric);
const only = (evidence: readonly MetricEvidence[], metric: string, segment: string | null = null) =>
  evidence.find((e) => e.metric === metric && e.segment === segment);

/** Numeric predictions: exponential absolute errors (sd = mean), squared errors to match. */
const numeric = (n: number, mae: number): MeanCounts => ({
  absError: moments(n, mae, mae),
  squaredError: moments(n, 2 * mae * mae, Math.sqrt(20) * mae * mae),
});

describe('resolveScorecard: defaults follow the data', () => {
  const policy = parsePolicy(null);
  it('classes alone: accuracy primary at the full alpha, no guardrails, no segments', () => {
    const card = resolveScorecard(policy, dataShape(observations()));
    expect(card.primary).toMatchObject({ metric: 'accuracy', relative: false, margin: 0.02 });
    expect(card.primary.harmAlpha).toBe(0.05);
    expect(card.guardrails).toEqual([]);
    expect(card.segments).toBeNull();
    expect(card.familySize).toBe(1);
  });

  it('numeric: MAE primary with a 5 % relative margin', () => {
    const obs = observations({
      comparison: counts(
        withMeans(arm(1000, 0.5), numeric(1000, 2)),
        withMeans(arm(1000, 0.5), numeric(1000, 2)),
      ),
    });
    expect(resolveScorecard(policy, dataShape(obs)).primary).toMatchObject({
      metric: 'mae',
      better: 'lower',
      relative: true,
      margin: 0.05,
      harmMargin: 0,
    });
  });

  it('scores, outcomes and segments: log-loss and each outcome guard, alpha split four ways', () => {
    const means = { logLoss: moments(10, 0.4, 0.3), 'outcome:revenue': moments(10, 3, 1) };
    const obs = observations({
      comparison: counts(withMeans(arm(10, 0.8), means), withMeans(arm(10, 0.8), means)),
      segmentOrder: ['north', 'south'],
    });
    const card = resolveScorecard(
      parsePolicy({ metrics: { outcomes: { revenue: { better: 'higher' } } } }),
      dataShape(obs),
    );
    expect(card.guardrails.map((g) => [g.metric, g.better])).toEqual([
      ['logLoss', 'lower'],
      ['outcome:revenue', 'higher'],
    ]);
    expect(card.familySize).toBe(4);
    expect(card.primary.harmAlpha).toBeCloseTo(0.0125, 12);
    expect(card.segments?.segments).toEqual(['north', 'south']);
    // The segments' share (0.0125) over 16 segments × 1 metric.
    expect(card.segments?.metrics[0]?.harmAlpha).toBeCloseTo(0.0125 / 16, 12);
  });

  it('an explicit policy wins over the data: RMSE primary, superiority, listed guardrails only', () => {
    const card = resolveScorecard(
      parsePolicy({
        metrics: {
          primary: { metric: 'rmse', test: 'superiority' },
          guardrails: [{ metric: 'brier', margin: 0.1 }],
        },
        segments: { enabled: false },
      }),
      { numeric: true, scored: true, outcomes: ['outcome:clicks'], segments: ['a'] },
    );
    expect(card.primary).toMatchObject({ metric: 'rmse', margin: 0 });
    expect(card.guardrails.map((g) => [g.metric, g.harmMargin])).toEqual([['brier', 0.1]]);
    expect(card.segments).toBeNull();
    expect(card.familySize).toBe(2);
  });

  it('rejects unknown metric names, naming the field', () => {
    expect(() => parsePolicy({ metrics: { primary: { metric: 'f1' } } })).toThrow(
      /metrics\.primary\.metric: .*must be one of accuracy, mae, rmse, logLoss, brier or outcome:<name>/,
    );
  });
});

describe('decide with the scorecard (canary at 1 %, 10,000 canary and 300,000 stable samples)', () => {
  const judge = (stable: ArmCounts, canary: ArmCounts, policy: PolicyInput = {}, extra = {}) =>
    decide(
      liveState(),
      observations({ comparison: counts(stable, canary), ...extra }),
      NOW,
      parsePolicy(policy),
    );

  it('numeric: a canary whose MAE is 25 % higher is rolled back on mae', () => {
    const d = judge(
      withMeans(arm(300_000, 0.5), numeric(300_000, 2)),
      withMeans(arm(10_000, 0.5), numeric(10_000, 2.5)),
    );
    expect(d.action).toBe(DecisionAction.ROLLBACK);
    expect(only(d.evidence, 'mae')).toMatchObject({ outcome: 'FAIL', estimateCanary: 2.5 });
    expect(d.reason).toMatch(/mae canary 2\.5 vs stable 2 \(\+25 %\)/);
    // Accuracy (within tolerance) is no longer what numeric models are judged by.
    expect(rowsOf(d.evidence, 'accuracy')).toEqual([]);
  });

  it('numeric: 25 % lower MAE advances (non-inferior within 5 %)', () => {
    const d = judge(
      withMeans(arm(300_000, 0.5), numeric(300_000, 2)),
      withMeans(arm(10_000, 0.5), numeric(10_000, 1.5)),
    );
    expect(d.action).toBe(DecisionAction.ADVANCE);
    expect(only(d.evidence, 'mae')?.outcome).toBe('PASS');
  });

  it('numeric, superiority: equal MAE holds instead of advancing', () => {
    const d = judge(
      withMeans(arm(300_000, 0.5), numeric(300_000, 2)),
      withMeans(arm(10_000, 0.5), numeric(10_000, 2)),
      { metrics: { primary: { test: 'superiority' } } },
    );
    expect(d.action).toBe(DecisionAction.HOLD);
    expect(only(d.evidence, 'mae')?.outcome).toBe('INCONCLUSIVE');
  });

  it('scores: equal accuracy but an overconfident canary is rolled back on log-loss', () => {
    const d = judge(
      withMeans(arm(300_000, 0.85), { logLoss: moments(300_000, 0.42, 0.6) }),
      withMeans(arm(10_000, 0.85), { logLoss: moments(10_000, 0.7, 1.6) }),
    );
    expect(d.action).toBe(DecisionAction.ROLLBACK);
    expect(only(d.evidence, 'logLoss')?.outcome).toBe('FAIL');
    expect(only(d.evidence, 'accuracy')?.outcome).not.toBe('FAIL');
  });

  it('scores: a calibrated, equal canary advances; harm within 2 % not yet excluded does not block', () => {
    const d = judge(
      withMeans(arm(300_000, 0.85), { logLoss: moments(300_000, 0.42, 0.6) }),
      withMeans(arm(10_000, 0.85), { logLoss: moments(10_000, 0.42, 0.6) }),
    );
    expect(d.action).toBe(DecisionAction.ADVANCE);
    expect(only(d.evidence, 'logLoss')?.outcome).toBe('INCONCLUSIVE');
  });

  it('outcomes: less revenue is worse, fewer returns is better', () => {
    const stable = withMeans(arm(300_000, 0.85), {
      'outcome:revenue': moments(300_000, 10, 5),
      'outcome:returns': moments(300_000, 1, 1),
    });
    const lessRevenue = withMeans(arm(10_000, 0.85), {
      'outcome:revenue': moments(10_000, 9, 5),
      'outcome:returns': moments(10_000, 1, 1),
    });
    const fewerReturns = withMeans(arm(10_000, 0.85), {
      'outcome:revenue': moments(10_000, 10, 5),
      'outcome:returns': moments(10_000, 0.8, 1),
    });
    const policy = { metrics: { outcomes: { returns: { better: 'lower' as const } } } };
    const worse = judge(stable, lessRevenue, policy);
    expect(worse.action).toBe(DecisionAction.ROLLBACK);
    expect(only(worse.evidence, 'outcome:revenue')?.outcome).toBe('FAIL');
    const better = judge(stable, fewerReturns, policy);
    expect(better.action).toBe(DecisionAction.ADVANCE);
    expect(only(better.evidence, 'outcome:returns')?.outcome).toBe('PASS');
  });

  it('segments: better overall but much worse on one segment is rolled back naming it', () => {
    const segment = (labelled: number, accuracy: number): SegmentCounts => ({
      labelled,
      correct: Math.round(labelled * accuracy),
      errors: 0,
      means: {},
    });
    const stable = withMeans(
      arm(300_000, 0.85),
      {},
      { winter: segment(45_000, 0.85), summer: segment(255_000, 0.85) },
    );
    const canary = withMeans(
      arm(10_000, 0.8625),
      {},
      { winter: segment(1_500, 0.65), summer: segment(8_500, 0.9) },
    );
    const d = judge(stable, canary, {}, { segmentOrder: ['summer', 'winter'] });
    expect(d.action).toBe(DecisionAction.ROLLBACK);
    expect(only(d.evidence, 'accuracy')?.outcome).toBe('PASS');
    expect(only(d.evidence, 'accuracy', 'winter')?.outcome).toBe('FAIL');
    expect(only(d.evidence, 'accuracy', 'summer')?.outcome).not.toBe('FAIL');
    expect(d.reason).toMatch(/in segment winter/);
  });

  it('segments below their minimum are reported, not judged', () => {
    const small = { labelled: 50, correct: 10, errors: 0, means: {} };
    const d = judge(
      withMeans(arm(300_000, 0.85), {}, { rare: small }),
      withMeans(arm(10_000, 0.85), {}, { rare: small }),
      {},
      { segmentOrder: ['rare'] },
    );
    expect(d.action).toBe(DecisionAction.ADVANCE);
    expect(only(d.evidence, 'accuracy', 'rare')).toMatchObject({
      outcome: 'INCONCLUSIVE',
      threshold: 200,
    });
  });

  it('shadow mode judges a numeric primary on two samples of the same requests', () => {
    const d = decide(
      shadowState(),
      observations({
        comparison: counts(
          withMeans(arm(300_000, 0.5), numeric(300_000, 2)),
          withMeans(arm(300_000, 0.5), numeric(300_000, 3)),
        ),
      }),
      NOW,
      parsePolicy(null),
    );
    expect(d.action).toBe(DecisionAction.ROLLBACK);
    expect(only(d.evidence, 'mae')?.outcome).toBe('FAIL');
  });
});
