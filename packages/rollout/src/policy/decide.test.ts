import { describe, expect, it } from 'vitest';
import { DecisionAction, RolloutPhase, type MetricEvidence } from '@kanary/contracts';
import { decide } from './decide.js';
import { DecisionCode } from './decision.js';
import { parsePolicy } from './parse-policy.js';
import type { RolloutObservations } from './observations.js';
import {
  DAY,
  NOW,
  T0,
  arm,
  counts,
  liveState,
  observations,
  shadowState,
} from './policy.fixtures.js';

const policy = parsePolicy(null);
const outcomeOf = (evidence: readonly MetricEvidence[], metric: string) =>
  evidence.find((e) => e.metric === metric)?.outcome;

const healthy = observations();
const stableArm = arm(300_000, 0.85);

describe('decide, canary mode (default policy, step 0 at 1 %)', () => {
  const cases: {
    name: string;
    obs: RolloutObservations;
    action: DecisionAction;
    code: DecisionCode;
    failing?: string;
  }[] = [
    {
      name: 'equal canary with enough data advances',
      obs: healthy,
      action: DecisionAction.ADVANCE,
      code: DecisionCode.ALL_PASSED,
    },
    {
      name: 'a canary 10 points less accurate is rolled back',
      obs: observations({ comparison: counts(stableArm, arm(1_000, 0.75)) }),
      action: DecisionAction.ROLLBACK,
      code: DecisionCode.GUARDRAIL_FAILED,
      failing: 'accuracy',
    },
    {
      name: 'a canary with 15 % errors is rolled back',
      obs: observations({ comparison: counts(stableArm, arm(1_000, 0.85, { errorRate: 0.15 })) }),
      action: DecisionAction.ROLLBACK,
      code: DecisionCode.GUARDRAIL_FAILED,
      failing: 'errorRate',
    },
    {
      name: 'a canary with 30 % of requests over the p95 limit is rolled back',
      obs: observations({ comparison: counts(stableArm, arm(1_000, 0.85, { slowShare: 0.3 })) }),
      action: DecisionAction.ROLLBACK,
      code: DecisionCode.GUARDRAIL_FAILED,
      failing: 'latencyP95',
    },
    {
      name: 'a slow canary is not blamed when the stable is as slow (system-wide slowdown)',
      obs: observations({
        comparison: counts(
          arm(300_000, 0.85, { slowShare: 0.3 }),
          arm(1_000, 0.85, { slowShare: 0.3 }),
        ),
      }),
      action: DecisionAction.HOLD,
      code: DecisionCode.NOT_ENOUGH_DATA,
    },
    {
      name: 'too few canary samples holds',
      obs: observations({ comparison: counts(stableArm, arm(80, 0.85)) }),
      action: DecisionAction.HOLD,
      code: DecisionCode.NOT_ENOUGH_DATA,
    },
    {
      name: 'all gates pass but the step minimum is not reached: hold',
      obs: observations({ window: counts(arm(5_000, 0.85), arm(150, 0.85)) }),
      action: DecisionAction.HOLD,
      code: DecisionCode.NOT_ENOUGH_DATA,
    },
    {
      name: 'latency reference still filling: hold',
      obs: observations({ latencyThreshold: null, latencyReferenceCollected: 400 }),
      action: DecisionAction.HOLD,
      code: DecisionCode.NOT_ENOUGH_DATA,
    },
    {
      name: 'sample-ratio mismatch pauses',
      obs: observations({ windowUnits: { stable: 9_000, canary: 1_000 } }),
      action: DecisionAction.PAUSE,
      code: DecisionCode.DATA_QUALITY,
      failing: 'sampleRatio',
    },
    {
      name: 'unequal label coverage pauses',
      obs: observations({
        window: counts(arm(90_000, 0.85, { coverage: 0.9 }), arm(500, 0.85, { coverage: 0.5 })),
      }),
      action: DecisionAction.PAUSE,
      code: DecisionCode.DATA_QUALITY,
      failing: 'labelCoverage',
    },
    {
      name: 'a data-quality alarm wins over a failing guardrail',
      obs: observations({
        comparison: counts(stableArm, arm(1_000, 0.75)),
        windowUnits: { stable: 9_000, canary: 1_000 },
      }),
      action: DecisionAction.PAUSE,
      code: DecisionCode.DATA_QUALITY,
      failing: 'sampleRatio',
    },
  ];

  it.each(cases)('$name', ({ obs, action, code, failing }) => {
    const result = decide(liveState(), obs, NOW, policy);
    expect(result).toMatchObject({ action, code });
    if (failing !== undefined) {
      expect(outcomeOf(result.evidence, failing)).toBe('FAIL');
      expect(result.reason).toContain(failing);
    }
    if (action !== DecisionAction.ROLLBACK && action !== DecisionAction.PAUSE) {
      expect(result.evidence.some((e) => e.outcome === 'FAIL')).toBe(false);
    }
  });

  it('advances to the next step with its weight, and reports numbers', () => {
    const result = decide(liveState(), healthy, NOW, policy);
    expect(result.target).toEqual({ stepIndex: 1, canaryWeight: 0.05 });
    const accuracy = result.evidence.find((e) => e.metric === 'accuracy');
    expect(accuracy).toMatchObject({
      outcome: 'PASS',
      nStable: 300_000,
      nCanary: 10_000,
      threshold: -0.02,
    });
    expect(accuracy?.lower).toBeGreaterThan(-0.02);
    expect(accuracy?.upper).toBeGreaterThan(0);
  });

  it('does not check the split when there is no configured one (recorded traffic)', () => {
    // A replay's data keeps its recorded split while the replayed decisions move the weight.
    const obs = observations({ windowUnits: null });
    const result = decide(liveState({ canaryWeight: 0.01 }), obs, NOW, policy);
    expect(result).toMatchObject({ action: 'ADVANCE', code: DecisionCode.ALL_PASSED });
    expect(outcomeOf(result.evidence, 'sampleRatio')).toBe('NOT_APPLICABLE');
  });

  it('promotes after the last step', () => {
    const last = liveState({ stepIndex: 3, canaryWeight: 0.5 });
    const obs = observations({ windowUnits: { stable: 5_000, canary: 5_000 } });
    expect(decide(last, obs, NOW, policy)).toMatchObject({ action: 'PROMOTE', target: null });
  });

  it('skips steps at or below a weight an operator set by hand', () => {
    const raised = liveState({ stepIndex: 0, canaryWeight: 0.3 });
    const obs = observations({ windowUnits: { stable: 7_000, canary: 3_000 } });
    expect(decide(raised, obs, NOW, policy).target).toEqual({ stepIndex: 3, canaryWeight: 0.5 });
  });

  it('rolls back a canary proven slightly worse even though it is within the margin', () => {
    // Δ ≈ −1 point with huge samples: non-inferior at δ = 2 but proven below harmMargin 0.
    const obs = observations({ comparison: counts(arm(2_000_000, 0.85), arm(1_000_000, 0.84)) });
    const result = decide(liveState(), obs, NOW, policy);
    expect(result.action).toBe('ROLLBACK');
  });

  it('tolerates a small loss when harmMargin allows it', () => {
    const lenient = parsePolicy({ harmMargin: 0.015 });
    const obs = observations({ comparison: counts(arm(2_000_000, 0.85), arm(1_000_000, 0.84)) });
    expect(decide(liveState(), obs, NOW, lenient).action).toBe('ADVANCE');
  });

  it('does not judge a paused rollout', () => {
    const paused = liveState({ phase: RolloutPhase.PAUSED, pausedFrom: RolloutPhase.CANARY });
    expect(decide(paused, healthy, NOW, policy)).toMatchObject({
      action: 'HOLD',
      code: 'NOT_LIVE',
    });
  });
});

describe('step timeout', () => {
  const stuck = observations({ comparison: counts(stableArm, arm(500, 0.85)) });
  it.each([
    { onStepTimeout: 'pause', action: 'PAUSE' },
    { onStepTimeout: 'rollback', action: 'ROLLBACK' },
    { onStepTimeout: 'advance', action: 'ADVANCE' },
    { onStepTimeout: 'hold', action: 'HOLD' },
  ] as const)('$onStepTimeout → $action', ({ onStepTimeout, action }) => {
    const timed = parsePolicy({ onStepTimeout });
    expect(decide(liveState(), stuck, NOW, timed).code).toBe('NOT_ENOUGH_DATA');
    const late = decide(liveState(), stuck, T0 + DAY, timed);
    expect(late).toMatchObject({ action, code: 'STEP_TIMEOUT' });
    expect(late.reason).toContain('24.0 h');
  });

  it('a failing guardrail still rolls back after the timeout', () => {
    const failing = observations({ comparison: counts(stableArm, arm(1_000, 0.7)) });
    const late = decide(
      liveState(),
      failing,
      T0 + 2 * DAY,
      parsePolicy({ onStepTimeout: 'advance' }),
    );
    expect(late).toMatchObject({ action: 'ROLLBACK', code: 'GUARDRAIL_FAILED' });
  });
});

describe('decide, shadow mode', () => {
  const none = { nPairs: 0, n10: 0, n01: 0 };
  const shadowObs = (
    pairs: { nPairs: number; n10: number; n01: number },
    extra: Partial<RolloutObservations> = {},
  ) => {
    const c = counts(arm(pairs.nPairs || 1000, 0.85), arm(pairs.nPairs || 1000, 0.85), pairs);
    return observations({
      comparison: c,
      window: c,
      windowUnits: { stable: 0, canary: 0 },
      ...extra,
    });
  };

  it('advances to the first canary step when the paired test proves non-inferiority', () => {
    const result = decide(
      shadowState(),
      shadowObs({ nPairs: 5_000, n10: 150, n01: 140 }),
      NOW,
      policy,
    );
    expect(result).toMatchObject({
      action: 'ADVANCE',
      code: 'ALL_PASSED',
      target: { stepIndex: 0, canaryWeight: 0.01 },
    });
    expect(outcomeOf(result.evidence, 'sampleRatio')).toBe('NOT_APPLICABLE');
  });

  it('rolls back when the paired test proves the shadow worse', () => {
    const result = decide(
      shadowState(),
      shadowObs({ nPairs: 2_000, n10: 40, n01: 200 }),
      NOW,
      policy,
    );
    expect(result).toMatchObject({ action: 'ROLLBACK', code: 'GUARDRAIL_FAILED' });
  });

  it('advances early on label-free agreement, but only to the first canary step', () => {
    const obs = shadowObs(none, { agreement: { nPairs: 5_000, nDisagree: 20 } });
    const result = decide(shadowState(), obs, NOW, policy);
    expect(result).toMatchObject({
      action: 'ADVANCE',
      code: 'SHADOW_AGREEMENT',
      target: { stepIndex: 0 },
    });
    expect(outcomeOf(result.evidence, 'accuracy')).toBe('INCONCLUSIVE');
  });

  it('holds when the outputs disagree too often to prove anything without labels', () => {
    const obs = shadowObs(none, { agreement: { nPairs: 5_000, nDisagree: 400 } });
    expect(decide(shadowState(), obs, NOW, policy).action).toBe('HOLD');
  });

  it('ignores agreement when the policy turns it off', () => {
    const obs = shadowObs(none, { agreement: { nPairs: 5_000, nDisagree: 20 } });
    const off = parsePolicy({ shadowAgreement: { enabled: false } });
    expect(decide(shadowState(), obs, NOW, off).action).toBe('HOLD');
  });
});
