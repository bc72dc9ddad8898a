/**
 * Closed-loop simulations with fixed seeds: the engine judges simulated traffic and its commands
 * drive the rollout state machine. Each scenario runs until the rollout is promoted, rolled back
 * or paused.
 */
import { describe, expect, it } from 'vitest';
import type { DecisionReport, Evaluation } from '@kanary/contracts';
import { parsePolicy, twoArmPlan } from '@kanary/rollout';
import { proportionDifferenceCS, type TwoArmCounts } from '@kanary/stats';
import { SIMULATION_START, simulateRollout, type RolloutScenario } from './simulate-rollout.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** 100 requests/s, labels within tens of seconds (wrong ones sooner), 2-minute maturity. */
const base = {
  seed: 7,
  requestsPerSecond: 100,
  stable: { accuracy: 0.85 },
  labels: { correctMeanDelayMs: 20_000, wrongMeanDelayMs: 5_000 },
  policy: { labelMaturityMs: 2 * MINUTE },
  maxDurationMs: 12 * HOUR,
} satisfies Partial<RolloutScenario>;

/** Later than any simulated run ends. */
const SIMULATION_END = SIMULATION_START + 48 * HOUR;

const actions = (decisions: readonly DecisionReport[]) =>
  decisions.map((d) => `${d.action}@${d.stepIndex}`);
const outcomeOf = (report: DecisionReport | null, metric: string) =>
  report?.evidence.find((e) => e.metric === metric)?.outcome;

describe('simulated rollouts', () => {
  it('promotes a canary as good as the stable through every step, never rolling back', () => {
    const run = simulateRollout({ ...base, canary: { accuracy: 0.85 } });
    expect(run.outcome).toBe('PROMOTED');
    expect(actions(run.decisions)).toEqual(['ADVANCE@0', 'ADVANCE@1', 'ADVANCE@2', 'PROMOTE@3']);
    expect(outcomeOf(run.final, 'accuracy')).toBe('PASS');
  });

  it('rolls back a canary 5 points less accurate at the first step', () => {
    const run = simulateRollout({ ...base, canary: { accuracy: 0.8 } });
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(actions(run.decisions)).toEqual(['ROLLBACK@0']);
    expect(outcomeOf(run.final, 'accuracy')).toBe('FAIL');
  });

  it('promotes a clearly better canary', () => {
    const run = simulateRollout({ ...base, canary: { accuracy: 0.9 } });
    expect(run.outcome).toBe('PROMOTED');
    const accuracy = run.final?.evidence.find((e) => e.metric === 'accuracy');
    expect(accuracy?.lower).toBeGreaterThan(0);
  });

  it('rolls back a canary with the same median latency but a much slower p95', () => {
    const run = simulateRollout({ ...base, canary: { accuracy: 0.85, latencySigma: 0.6 } });
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(outcomeOf(run.final, 'latencyP95')).toBe('FAIL');
    expect(outcomeOf(run.final, 'accuracy')).not.toBe('FAIL');
  });

  it('rolls back a canary with many more errors', () => {
    const run = simulateRollout({ ...base, canary: { accuracy: 0.85, errorRate: 0.15 } });
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(outcomeOf(run.final, 'errorRate')).toBe('FAIL');
  });

  it('runs a shadow phase first: label-free agreement moves it to the first step, labels decide the rest', () => {
    const run = simulateRollout({
      ...base,
      shadow: true,
      correlation: 0.99,
      stable: { accuracy: 0.85, errorRate: 0 },
      canary: { accuracy: 0.85, errorRate: 0 },
      labels: { correctMeanDelayMs: 10 * MINUTE, wrongMeanDelayMs: 10 * MINUTE },
      policy: { labelMaturityMs: 30 * MINUTE },
    });
    expect(run.outcome).toBe('PROMOTED');
    const [first] = run.decisions;
    expect(first).toMatchObject({ action: 'ADVANCE', phase: 'SHADOW', stepIndex: -1 });
    expect(JSON.parse(first?.details ?? '{}').code).toBe('SHADOW_AGREEMENT');
    expect(outcomeOf(first ?? null, 'agreement')).toBe('PASS');
    expect(run.final).toMatchObject({ action: 'PROMOTE', phase: 'CANARY' });
  });

  it('rolls a worse canary back while it is still a shadow (paired test)', () => {
    const run = simulateRollout({ ...base, shadow: true, canary: { accuracy: 0.8 } });
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(run.final).toMatchObject({ action: 'ROLLBACK', phase: 'SHADOW' });
  });
});

describe('simulated rollouts judged by the scorecard the data resolves', () => {
  const failing = (report: DecisionReport | null) =>
    report?.evidence
      .filter((e) => e.outcome === 'FAIL')
      .map((e) => (e.segment === null ? e.metric : `${e.metric}[${e.segment}]`));

  it('numeric predictions: a canary with 25 % higher MAE is rolled back on mae', () => {
    const run = simulateRollout({
      ...base,
      stable: { accuracy: 0, meanAbsError: 2 },
      canary: { accuracy: 0, meanAbsError: 2.5 },
    });
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(failing(run.final)).toEqual(['mae']);
    expect(outcomeOf(run.final, 'accuracy')).toBeUndefined();
  });

  it('numeric predictions: a canary with 25 % lower MAE is promoted through every step', () => {
    const run = simulateRollout({
      ...base,
      stable: { accuracy: 0, meanAbsError: 2 },
      canary: { accuracy: 0, meanAbsError: 1.5 },
    });
    expect(run.outcome).toBe('PROMOTED');
    expect(actions(run.decisions)).toEqual(['ADVANCE@0', 'ADVANCE@1', 'ADVANCE@2', 'PROMOTE@3']);
    const mae = run.final?.evidence.find((e) => e.metric === 'mae');
    expect(mae?.estimateCanary).toBeCloseTo(1.5, 0);
    const [stable, canary] = run.engine.summary(SIMULATION_END)[0]?.arms ?? [];
    expect(canary?.mae).toBeLessThan(stable?.mae ?? 0);
    expect(canary?.rmse).toBeGreaterThan(canary?.mae ?? Infinity);
  });

  it('class probabilities: an overconfident canary of equal accuracy is rolled back on log-loss', () => {
    const run = simulateRollout({
      ...base,
      stable: { accuracy: 0.85, confidence: 'calibrated' },
      canary: { accuracy: 0.85, confidence: 0.99 },
    });
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(failing(run.final)).toEqual(['logLoss']);
    expect(outcomeOf(run.final, 'accuracy')).not.toBe('FAIL');
  });

  it('segments: better overall, 20 points worse on a 15 % segment — rolled back naming it', () => {
    const run = simulateRollout({
      ...base,
      segments: [
        { name: 'most', share: 0.85 },
        { name: 'winter', share: 0.15 },
      ],
      stable: { accuracy: 0.8 },
      canary: { accuracy: 0.8, segmentAccuracy: { most: 0.85, winter: 0.6 } },
    });
    expect(run.outcome).toBe('ROLLED_BACK');
    expect(failing(run.final)).toEqual(['accuracy[winter]']);
    expect(run.final?.reason).toMatch(/in segment winter/);
    const canary = run.engine.summary(SIMULATION_END)[0]?.arms[1];
    expect(canary?.segments.map((s) => s.segment)).toEqual(['most', 'winter']);
  });
});

describe('label delay: wrong predictions labelled sooner, canary started after the stable', () => {
  it('does not roll back an equally good canary with the default policy, where naive counting would', () => {
    const policy = parsePolicy(null);
    // Naive: every evaluation counts on arrival (no maturity window) and the stable arm keeps
    // its history from before the canary started (no concurrent control); same always-valid
    // accuracy rule as the policy (roll back when the upper bound < −harmMargin).
    const naive: { stable: Counts; canary: Counts } = { stable: counts(), canary: counts() };
    let naiveRollbackAfterMs: number | null = null;
    let started: number | null = null;
    const run = simulateRollout({
      seed: 11,
      requestsPerSecond: 30,
      tickMs: 30_000,
      stable: { accuracy: 0.85 },
      canary: { accuracy: 0.85 },
      labels: { correctMeanDelayMs: 30 * MINUTE, wrongMeanDelayMs: 5 * MINUTE },
      stableHistoryMs: 2 * HOUR,
      maxDurationMs: 24 * HOUR,
      onEvaluation: (evaluation: Evaluation) => {
        const arm = evaluation.variant === 'canary' ? naive.canary : naive.stable;
        arm.total += 1;
        if (evaluation.correct) arm.successes += 1;
      },
      onTick: (now, state) => {
        started ??= state.startedAt;
        if (naiveRollbackAfterMs !== null) return;
        const cs = proportionDifferenceCS(naive as TwoArmCounts, {
          alpha: policy.alpha,
          planN: twoArmPlan(policy),
        });
        if (cs.reliable && cs.upper < -policy.harmMargin) naiveRollbackAfterMs = now - started;
      },
    });
    expect(run.decisions.some((d) => d.action === 'ROLLBACK')).toBe(false);
    expect(run.outcome).toBe('PROMOTED');
    expect(naiveRollbackAfterMs).not.toBeNull();
    expect(naiveRollbackAfterMs).toBeLessThan(HOUR);
  });
});

interface Counts {
  successes: number;
  total: number;
}
const counts = (): Counts => ({ successes: 0, total: 0 });

describe('simulated A/B/n rollouts', () => {
  const candidates = (...accuracies: number[]) =>
    accuracies.map((accuracy, i) => ({
      variant: ['a', 'b', 'c'][i] as string,
      model: { accuracy },
    }));
  const about = (decisions: readonly DecisionReport[]) =>
    decisions.map((d) => `${d.action} ${d.candidate ?? '-'}@${d.stepIndex}`);

  it('rolls back the worse candidate alone and promotes the better over the equal one', () => {
    const run = simulateRollout({ ...base, candidates: candidates(0.8, 0.85, 0.9) });
    expect(run.outcome).toBe('PROMOTED');
    expect(run.state.stable).toBe('c');
    expect(run.state.candidates.map((c) => `${c.variant}:${c.status}`)).toEqual([
      'a:ROLLED_BACK',
      'b:ENDED',
      'c:PROMOTED',
    ]);
    const steps = about(run.decisions);
    // The worse one goes first, alone, while the others keep advancing through their steps.
    expect(steps[0]).toBe('ROLLBACK a@0');
    // Three candidates share the traffic: the default steps (1, 5, 25, 50 %) are capped at a
    // 25 % slice, so the last step is the third, and every interval is at alpha / 3.
    expect(steps.filter((s) => s.startsWith('ADVANCE b'))).toEqual(['ADVANCE b@0', 'ADVANCE b@1']);
    expect(steps.at(-1)).toBe('PROMOTE c@2');
    expect(Math.max(...run.decisions.map((d) => d.canaryWeight))).toBe(0.25);
    expect(run.final?.reason).toMatch(
      /chosen over b \(−0\.9 points\) by its proven gain on accuracy over the stable \(\+4\.0 points\)$/,
    );
    const accuracy = run.final?.evidence.find((e) => e.metric === 'accuracy');
    expect(accuracy?.detail).toContain('98.33 % always-valid interval');
  });

  it('holds a candidate ready to promote until the others are ready', () => {
    const reasons: string[] = [];
    const run = simulateRollout({
      ...base,
      candidates: candidates(0.85, 0.85),
      onTick: (_now, _state, engine) => {
        for (const summary of engine.summary(0)) {
          const last = summary.lastDecision;
          if (last !== null && last.details?.includes('AWAITING_CANDIDATES')) {
            reasons.push(last.reason);
          }
        }
      },
    });
    expect(run.outcome).toBe('PROMOTED');
    expect(run.decisions.filter((d) => d.action === 'ROLLBACK')).toEqual([]);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons[0]).toMatch(/^Hold: ready to promote, waiting for [ab] to finish/);
  });
});
