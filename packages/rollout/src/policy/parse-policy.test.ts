import { describe, expect, it } from 'vitest';
import { RolloutPhase } from '@kanary/contracts';
import { parsePolicy, PolicyError } from './parse-policy.js';
import { DEFAULT_POLICY } from './policy-schema.js';
import { nextStep, startingWeight } from './step-plan.js';
import { liveState, shadowState } from './policy.fixtures.js';

describe('parsePolicy', () => {
  it('fills every default from nothing, an empty object or "{}"', () => {
    for (const input of [null, undefined, {}, '{}']) {
      const policy = parsePolicy(input);
      expect(policy).toEqual({
        ...DEFAULT_POLICY,
        steps: [...DEFAULT_POLICY.steps],
        latency: { ...DEFAULT_POLICY.latency },
        errorRate: { ...DEFAULT_POLICY.errorRate },
        shadowAgreement: { ...DEFAULT_POLICY.shadowAgreement },
      });
    }
  });

  it('keeps given fields and defaults the rest, nested objects field by field', () => {
    const policy = parsePolicy(
      '{"steps":[0.05,0.5],"latency":{"maxRatio":1.5},"labelMaturityMs":10000}',
    );
    expect(policy.steps).toEqual([0.05, 0.5]);
    expect(policy.latency).toEqual({
      enabled: true,
      quantile: 0.95,
      maxRatio: 1.5,
      referenceSamples: 1000,
    });
    expect(policy.labelMaturityMs).toBe(10_000);
    expect(policy.alpha).toBe(0.05);
  });

  it('treats a final 100 % step as the promotion', () => {
    expect(parsePolicy({ steps: [0.05, 0.25, 0.5, 1] }).steps).toEqual([0.05, 0.25, 0.5]);
  });

  it('merges the input over a base policy', () => {
    const base = { labelMaturityMs: 5_000, latency: { quantile: 0.99 } };
    const policy = parsePolicy({ latency: { maxRatio: 2 } }, base);
    expect(policy.labelMaturityMs).toBe(5_000);
    expect(policy.latency).toMatchObject({ quantile: 0.99, maxRatio: 2 });
  });

  it.each([
    [{ steps: [0.05, 0.25, 0.25] }, 'steps.2: must be greater than the previous step (0.25)'],
    [{ steps: [0.05, 1.5] }, 'steps.1: must be <= 1'],
    [{ steps: [] }, 'steps: must list at least one canary weight'],
    [{ steps: [1] }, 'steps: needs a step below 1'],
    [{ alpha: 0.7 }, 'alpha: must be < 0.5'],
    [{ alpha: '0.05' }, 'alpha: must be a number'],
    [{ minSamplesPerStep: 10.5 }, 'minSamplesPerStep: must be a whole number'],
    [{ latency: { quantile: 0.3 } }, 'latency.quantile: must be > 0.5'],
    [{ latency: { maxRatio: 0.9 } }, 'latency.maxRatio: must be >= 1'],
    [
      { onStepTimeout: 'explode' },
      "onStepTimeout: must be 'hold', 'pause', 'rollback' or 'advance'",
    ],
    [{ mode: 'blue-green' }, "mode: must be 'canary' or 'shadow'"],
    [{ minSamplesPerSteps: 100 }, 'minSamplesPerSteps: is not a policy field'],
    [{ errorRate: { maxIncrese: 0.1 } }, 'errorRate.maxIncrese: is not a policy field'],
    ['{"steps": [0.1,', 'policy: is not valid JSON'],
    ['[0.1]', 'policy: must be a JSON object'],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parsePolicy(input)).toThrow(PolicyError);
    expect(() => parsePolicy(input)).toThrow(message);
  });

  it('lists every problem at once', () => {
    try {
      parsePolicy({ alpha: 2, harmMargin: -1 });
      expect.unreachable();
    } catch (error) {
      expect((error as PolicyError).issues).toEqual([
        'alpha: must be < 0.5',
        'harmMargin: must be >= 0',
      ]);
      expect((error as PolicyError).code).toBe('POLICY_INVALID');
    }
  });
});

describe('steps', () => {
  const policy = parsePolicy({ steps: [0.01, 0.05, 0.25, 0.5] });

  it('leaves shadow mode for the first step', () => {
    expect(nextStep(policy, shadowState())).toEqual({
      kind: 'STEP',
      stepIndex: 0,
      canaryWeight: 0.01,
    });
    const paused = shadowState({ phase: RolloutPhase.PAUSED, pausedFrom: RolloutPhase.SHADOW });
    expect(nextStep(policy, paused)).toMatchObject({ stepIndex: 0 });
  });

  it('moves one step up, and promotes after the last', () => {
    expect(nextStep(policy, liveState({ stepIndex: 1, canaryWeight: 0.05 }))).toMatchObject({
      stepIndex: 2,
      canaryWeight: 0.25,
    });
    expect(nextStep(policy, liveState({ stepIndex: 3, canaryWeight: 0.5 }))).toEqual({
      kind: 'PROMOTE',
    });
  });

  it('starts a canary-mode policy at its first step and a shadow-mode one with copies only', () => {
    expect(startingWeight(policy)).toBe(0.01);
    expect(startingWeight(parsePolicy({ mode: 'shadow' }))).toBeNull();
  });
});
