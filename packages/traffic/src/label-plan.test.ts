import { describe, expect, it } from 'vitest';
import { constantDelay, exponentialDelay } from './delay-distribution.js';
import { dependsOnOutcome, isUnlabelled, labelDelay, type LabelPlan } from './label-plan.js';

const ids = Array.from({ length: 20_000 }, (_, i) => `run-${i}`);

describe('label plan', () => {
  it.each([0, 0.1, 0.5, 1])('leaves about %f of the requests unlabelled', (fraction) => {
    const plan: LabelPlan = { seed: 3, delay: constantDelay(0), unlabelledFraction: fraction };
    const share = ids.filter((id) => isUnlabelled(plan, id)).length / ids.length;
    // Binomial standard error at n = 20000 is at most 0.0036.
    expect(Math.abs(share - fraction)).toBeLessThan(0.015);
  });

  it('draws the same requests and delays for the same seed, others for another seed', () => {
    const plan: LabelPlan = { seed: 3, delay: exponentialDelay(1_000), unlabelledFraction: 0.3 };
    const other = { ...plan, seed: 4 };
    const pick = (p: LabelPlan) => ids.slice(0, 200).map((id) => isUnlabelled(p, id));
    expect(pick(plan)).toEqual(pick({ ...plan }));
    expect(pick(plan)).not.toEqual(pick(other));
    expect(labelDelay(plan, 'run-1')).toBe(labelDelay({ ...plan }, 'run-1'));
    expect(labelDelay(plan, 'run-1')).not.toBe(labelDelay(other, 'run-1'));
  });

  it('labels wrong predictions sooner when the plan says so', () => {
    const plan: LabelPlan = {
      seed: 1,
      delay: exponentialDelay(10_000),
      wrongDelay: exponentialDelay(1_000),
      unlabelledFraction: 0,
    };
    expect(dependsOnOutcome(plan)).toBe(true);
    const mean = (correct: boolean | undefined) =>
      ids.reduce((s, id) => s + labelDelay(plan, id, correct), 0) / ids.length;
    expect(mean(false)).toBeGreaterThan(900);
    expect(mean(false)).toBeLessThan(1_100);
    expect(mean(true)).toBeGreaterThan(9_000);
    expect(mean(true)).toBeLessThan(11_000);
    // Without a known outcome the plain delay applies.
    expect(labelDelay(plan, 'run-7')).toBe(labelDelay(plan, 'run-7', true));
  });

  it('ignores the outcome when there is no separate wrong-prediction delay', () => {
    const plan: LabelPlan = { seed: 1, delay: constantDelay(250), unlabelledFraction: 0 };
    expect(dependsOnOutcome(plan)).toBe(false);
    expect(labelDelay(plan, 'x', false)).toBe(250);
  });
});
