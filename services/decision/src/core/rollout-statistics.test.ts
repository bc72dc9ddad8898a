import { describe, expect, it } from 'vitest';
import { PredictionStatus, RolloutPhase, Role } from '@kanary/contracts';
import { parsePolicy } from '@kanary/rollout';
import { bucketWidthMs, MaturingTallies } from './maturing-tallies.js';
import { RolloutStatistics } from './rollout-statistics.js';
import { MINUTE, T0, canaryEvaluation, evaluation, prediction, routed } from './engine.fixtures.js';

const M = 10 * MINUTE;

function statistics(policy: Parameters<typeof parsePolicy>[0] = { labelMaturityMs: M }) {
  const stats = new RolloutStatistics(T0, parsePolicy(policy), T0);
  stats.setComparisonStart(T0);
  return stats;
}

const counted = (stats: RolloutStatistics, phase: RolloutPhase = RolloutPhase.CANARY) =>
  stats.observations(phase).comparison;

describe('bucket width', () => {
  it.each([
    [0, 1_000],
    [10_000, 1_000],
    [5 * MINUTE, 5_000],
    [60 * MINUTE, 60_000],
    [7 * 24 * 60 * MINUTE, 3_600_000],
  ])('maturity %d ms → buckets of %d ms', (maturity, width) => {
    expect(bucketWidthMs(maturity)).toBe(width);
  });
});

describe('label maturity', () => {
  it('counts a prediction only once its whole bucket is a maturity window old', () => {
    const stats = statistics();
    stats.onEvaluation(evaluation({ predictedAt: T0 + 1_000, labeledAt: T0 + 2_000 }), 'stable');
    const bucket = bucketWidthMs(M);
    stats.advance(T0 + bucket + M - 1);
    expect(counted(stats).stable.labelled).toBe(0);
    stats.advance(T0 + bucket + M);
    expect(counted(stats).stable.labelled).toBe(1);
  });

  it('never counts a label that arrived after the maturity window, in either arm', () => {
    const stats = statistics();
    stats.onEvaluation(evaluation({ labeledAt: T0 + 1_000 + M + 1 }), 'stable');
    stats.onEvaluation(canaryEvaluation({ labeledAt: T0 + 1_000 + M + 1 }), 'canary');
    stats.onEvaluation(canaryEvaluation({ labeledAt: T0 + 1_000 + M }), 'canary');
    stats.advance(T0 + 3 * M);
    expect(counted(stats).stable.labelled).toBe(0);
    expect(counted(stats).canary.labelled).toBe(1);
    expect(stats.counters.lateLabels).toBe(2);
  });

  it('adds an evaluation of an already mature bucket straight to the totals', () => {
    const stats = statistics();
    stats.advance(T0 + 3 * M);
    stats.onEvaluation(
      canaryEvaluation({ correct: false, predictedAt: T0 + 5_000, labeledAt: T0 + M }),
      'canary',
    );
    expect(counted(stats).canary).toMatchObject({ labelled: 1, correct: 0 });
  });

  it('with maturity 0 counts every evaluation on arrival, whatever its delay', () => {
    const stats = statistics({ labelMaturityMs: 0 });
    stats.onEvaluation(evaluation({ labeledAt: T0 + 1_000_000 }), 'stable');
    expect(counted(stats).stable.labelled).toBe(1);
  });

  it('ignores predictions made before the rollout started', () => {
    const stats = statistics();
    stats.onEvaluation(evaluation({ predictedAt: T0 - 1, labeledAt: T0 + 1 }), 'stable');
    stats.advance(T0 + 3 * M);
    expect(counted(stats).stable.labelled).toBe(0);
    expect(stats.counters.beforeStart).toBe(1);
  });
});

describe('windows', () => {
  it('compares the stable arm only from when the canary began serving', () => {
    const stats = new RolloutStatistics(T0, parsePolicy({ labelMaturityMs: M }), T0);
    stats.setShadowPhase(true);
    stats.onEvaluation(
      evaluation({ predictedAt: T0 + MINUTE, labeledAt: T0 + 2 * MINUTE }),
      'stable',
    );
    stats.advance(T0 + 2 * M);
    const canaryFrom = T0 + 2 * M;
    stats.setShadowPhase(false);
    stats.setComparisonStart(canaryFrom);
    stats.setWindowStart(canaryFrom);
    stats.onEvaluation(
      evaluation({ predictedAt: canaryFrom + 1_000, labeledAt: canaryFrom + 2_000 }),
      'stable',
    );
    stats.onEvaluation(
      canaryEvaluation({ predictedAt: canaryFrom + 1_000, labeledAt: canaryFrom + 2_000 }),
      'canary',
    );
    stats.advance(canaryFrom + 3 * M);
    const observations = stats.observations(RolloutPhase.CANARY);
    expect(observations.comparison.stable.labelled).toBe(1);
    expect(observations.comparison.canary.labelled).toBe(1);
    expect(observations.comparisonStartedAt).toBe(canaryFrom);
    expect(stats.observations(RolloutPhase.SHADOW).comparison.stable.labelled).toBe(2);
  });

  it('a new window counts only buckets from its start, the comparison keeps everything', () => {
    const stats = statistics();
    stats.onEvaluation(canaryEvaluation({ predictedAt: T0 + 1_000 }), 'canary');
    stats.advance(T0 + 3 * M);
    stats.setWindowStart(T0 + 3 * M);
    stats.onEvaluation(
      canaryEvaluation({ predictedAt: T0 + 3 * M + 1_000, labeledAt: T0 + 3 * M + 2_000 }),
      'canary',
    );
    stats.advance(T0 + 6 * M);
    const observations = stats.observations(RolloutPhase.CANARY);
    expect(observations.window.canary.labelled).toBe(1);
    expect(observations.comparison.canary.labelled).toBe(2);
    expect(observations.windowStartedAt).toBe(T0 + 3 * M);
  });
});

describe('sample-ratio units and coverage', () => {
  it('counts a routing key once per window, requests without a key each', () => {
    const stats = statistics();
    for (let i = 0; i < 5; i += 1) stats.onRouted(routed({ routingKey: 'user-1' }), 'stable');
    stats.onRouted(routed({ routingKey: 'user-2', role: Role.CANARY, variant: 'c' }), 'canary');
    stats.onRouted(routed({ routingKey: null }), 'stable');
    stats.onRouted(routed({ routingKey: null }), 'stable');
    expect(stats.observations(RolloutPhase.CANARY).windowUnits).toEqual({ stable: 3, canary: 1 });
    stats.setWindowStart(T0 + 5_000);
    stats.onRouted(routed({ routingKey: 'user-1', routedAt: T0 + 6_000 }), 'stable');
    expect(stats.observations(RolloutPhase.CANARY).windowUnits).toEqual({ stable: 1, canary: 0 });
  });

  it('counts routed requests for coverage once mature', () => {
    const stats = statistics();
    stats.onRouted(routed(), 'stable');
    stats.onRouted(routed(), 'stable');
    stats.onEvaluation(evaluation(), 'stable');
    stats.advance(T0 + 3 * M);
    expect(stats.observations(RolloutPhase.CANARY).window.stable).toMatchObject({
      routed: 2,
      labelled: 1,
    });
  });
});

describe('latency threshold', () => {
  it('is fixed once from the first reference samples of the stable arm and never moves', () => {
    const stats = statistics({
      labelMaturityMs: M,
      latency: { referenceSamples: 100, maxRatio: 1.5 },
    });
    for (let i = 1; i <= 100; i += 1) stats.onEvaluation(evaluation({ latencyMs: i }), 'stable');
    const fixed = stats.observations(RolloutPhase.CANARY).latencyThreshold;
    expect(fixed?.referenceSamples).toBe(100);
    expect(fixed?.referenceMs).toBeCloseTo(95, -0.5);
    expect(fixed?.thresholdMs).toBeCloseTo(1.5 * (fixed?.referenceMs ?? 0));
    for (let i = 0; i < 100; i += 1)
      stats.onEvaluation(evaluation({ latencyMs: 10_000 }), 'stable');
    stats.onEvaluation(canaryEvaluation({ latencyMs: 500 }), 'canary');
    stats.onEvaluation(canaryEvaluation({ latencyMs: 5 }), 'canary');
    stats.advance(T0 + 3 * M);
    const observations = stats.observations(RolloutPhase.CANARY);
    expect(observations.latencyThreshold).toEqual(fixed);
    // Only evaluations that arrived after the threshold was fixed are timed.
    expect(observations.comparison.stable).toMatchObject({ labelled: 200, timed: 100, slow: 100 });
    expect(observations.comparison.canary).toMatchObject({ timed: 2, slow: 1 });
  });
});

describe('shadow pairs', () => {
  function shadowStatistics() {
    const stats = new RolloutStatistics(T0, parsePolicy({ labelMaturityMs: M }), T0);
    stats.setShadowPhase(true);
    return stats;
  }
  const shadowCopy = { variant: 'c', role: Role.SHADOW, served: false } as const;

  it('pairs the stable and shadow evaluation of a request in either order', () => {
    const stats = shadowStatistics();
    stats.onEvaluation(evaluation({ requestId: 'a', correct: false }), 'stable');
    stats.onEvaluation(evaluation({ requestId: 'a', correct: true, ...shadowCopy }), 'shadow');
    stats.onEvaluation(evaluation({ requestId: 'b', correct: false, ...shadowCopy }), 'shadow');
    stats.onEvaluation(evaluation({ requestId: 'b', correct: true }), 'stable');
    stats.onEvaluation(evaluation({ requestId: 'c', correct: true, ...shadowCopy }), 'shadow');
    stats.onEvaluation(evaluation({ requestId: 'c', correct: true }), 'stable');
    stats.onEvaluation(evaluation({ requestId: 'd', correct: true }), 'stable');
    stats.advance(T0 + 3 * M);
    expect(counted(stats, RolloutPhase.SHADOW).pairs).toEqual({ nPairs: 3, n10: 1, n01: 1 });
  });

  it('measures label-free agreement from predictions, until numeric labels show it is invalid', () => {
    const stats = shadowStatistics();
    stats.onPrediction(prediction({ requestId: 'a', output: 'yes' }), 'stable');
    stats.onPrediction(prediction({ requestId: 'a', output: 'no', ...shadowCopy }), 'shadow');
    stats.onPrediction(prediction({ requestId: 'b', output: 'yes' }), 'stable');
    stats.onPrediction(prediction({ requestId: 'b', output: 'yes', ...shadowCopy }), 'shadow');
    stats.onPrediction(
      prediction({ requestId: 'c', status: PredictionStatus.ERROR, output: null }),
      'stable',
    );
    stats.onPrediction(prediction({ requestId: 'c', output: 'yes', ...shadowCopy }), 'shadow');
    expect(stats.observations(RolloutPhase.SHADOW).agreement).toEqual({ nPairs: 3, nDisagree: 2 });
    stats.onEvaluation(evaluation({ absError: 0.3 }), 'stable');
    expect(stats.observations(RolloutPhase.SHADOW).agreement).toBeNull();
  });
});

describe('MaturingTallies', () => {
  it('keeps only immature buckets', () => {
    const tallies = new MaturingTallies(M, T0);
    for (let minute = 0; minute < 100; minute += 1) {
      tallies.record(T0 + minute * MINUTE, (t) => {
        t.stable.labelled += 1;
      });
      tallies.advance(T0 + minute * MINUTE);
    }
    expect(tallies.sinceStart.stable.labelled).toBeGreaterThan(85);
    expect(tallies.sinceStart.stable.labelled).toBeLessThan(91);
    expect(tallies.dropped).toBe(0);
  });
});
