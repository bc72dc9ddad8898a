import { describe, expect, it } from 'vitest';
import {
  betaBinomialConcentration,
  betaBinomialLogMixture,
  proportionCS,
} from './proportion-cs.js';

// Beta-binomial mixture (Robbins 1970; Howard et al. 2021):
//   log M_n(p) = log B(κp + x, κ(1 − p) + n − x) − log B(κp, κ(1 − p)) − x log p − (n − x) log(1 − p)
// with κ = ρ − 1, ρ = planN / (2 log(1/α) + log(1 + 2 log(1/α))). For planN = 1000, α = 0.05:
// κ = 1000/7.936154601737565 − 1 = 125.0056097925634. Bounds solve log M_n(p) = log 20 (python,
// math.lgamma, bisection to double precision):
//   x = 3,  n = 500:  [0.00024093871732517008, 0.023262737709925926], log M(0.01) = −0.2951888259179931
//   x = 0,  n = 300:  [0, 0.02012834909000111],                        log M(0.01) = 1.4773628545958415
//   x = 50, n = 1000: [0.03149868370425418, 0.07341127810505062],      log M(0.01) = 36.53745893406064
describe('proportionCS', () => {
  const options = { planN: 1000, nullProportion: 0.01 };

  it('tunes κ from the planned horizon', () => {
    expect(betaBinomialConcentration(1000, 0.05)).toBeCloseTo(125.0056097925634, 10);
  });

  it.each([
    [3, 500, 0.00024093871732517008, 0.023262737709925926, -0.2951888259179931],
    [0, 300, 0, 0.02012834909000111, 1.4773628545958415],
    [50, 1000, 0.03149868370425418, 0.07341127810505062, 36.53745893406064],
  ])('x = %i of n = %i matches the hand-computed bounds', (x, n, lower, upper, logEvidence) => {
    const result = proportionCS({ successes: x, total: n }, options);
    expect(result.lower).toBeCloseTo(lower, 12);
    expect(result.upper).toBeCloseTo(upper, 12);
    expect(result.logEvidence).toBeCloseTo(logEvidence, 9);
    expect(result.pValue).toBeCloseTo(Math.min(1, Math.exp(-logEvidence)), 12);
    expect(result.reliable).toBe(true);
  });

  it('the confidence sequence is exactly the set where the mixture stays below 1/α', () => {
    const kappa = betaBinomialConcentration(1000, 0.05);
    for (const [x, n] of [
      [1, 40],
      [7, 700],
      [120, 150],
      [999, 1000],
    ] as const) {
      const { lower, upper } = proportionCS({ successes: x, total: n }, options);
      for (let i = 1; i < 400; i += 1) {
        const p = i / 400;
        const inside = betaBinomialLogMixture(x, n, p, kappa) < Math.log(20);
        expect(inside).toBe(p >= lower && p <= upper);
      }
    }
  });

  it('covers the whole unit interval before any data and contains x/n always', () => {
    expect(proportionCS({ successes: 0, total: 0 }, options)).toMatchObject({
      lower: 0,
      upper: 1,
      pValue: 1,
    });
    const all = proportionCS({ successes: 40, total: 40 }, options);
    expect(all.upper).toBe(1);
    // No wider than it needs to be, yet never narrower than the single-look Clopper–Pearson bound
    // 0.025^(1/40) = 0.912: looking continuously has a price.
    expect(all.lower).toBeGreaterThan(0.5);
    expect(all.lower).toBeLessThan(0.025 ** (1 / 40));
  });

  it('rejects impossible input', () => {
    expect(() => proportionCS({ successes: 5, total: 4 }, options)).toThrow(RangeError);
    expect(() =>
      proportionCS({ successes: 1, total: 4 }, { planN: 10, nullProportion: 0 }),
    ).toThrow(/nullProportion/);
  });
});
