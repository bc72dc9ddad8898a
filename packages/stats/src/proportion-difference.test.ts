import { describe, expect, it } from 'vitest';
import { proportionDifferenceCS, restrictedVariance } from './proportion-difference.js';
import { createRng } from './rng.js';

const plan1000 = { planN: { stable: 1000, canary: 1000 } };

/** Restricted MLE by direct maximisation of the two-binomial log-likelihood (golden section). */
function numericRestrictedVariance(
  xC: number,
  nC: number,
  xS: number,
  nS: number,
  delta: number,
): number {
  const logLik = (pS: number): number => {
    const pC = pS + delta;
    const term = (x: number, n: number, p: number): number =>
      (x > 0 ? x * Math.log(p) : 0) + (n - x > 0 ? (n - x) * Math.log1p(-p) : 0);
    return term(xC, nC, pC) + term(xS, nS, pS);
  };
  let lo = Math.max(0, -delta);
  let hi = Math.min(1, 1 - delta);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 200; i += 1) {
    const m1 = hi - g * (hi - lo);
    const m2 = lo + g * (hi - lo);
    if (logLik(m1) < logLik(m2)) lo = m1;
    else hi = m2;
  }
  const pS = (lo + hi) / 2;
  const pC = pS + delta;
  return (pC * (1 - pC)) / nC + (pS * (1 - pS)) / nS;
}

describe('proportionDifferenceCS', () => {
  // Hand computation (python, double precision) for stable 850/1000, canary 800/1000, planN 1000/1000:
  //   Δ̂ = 0.80 − 0.85 = −0.05; n_eff = 1000·1000/2000 = 500; ρ = 500/7.936154601737565 = 63.0028
  //   z* = sqrt((1 + r)(log((1 + r)/r) + 2 log 20)) with r = ρ/500 → 3.0352089903762534
  //   restricted MLE at Δ0 = 0 is the pooled rate 0.825: Var = 0.825·0.175·(2/1000) = 2.8875e−4
  //   continuity correction cc = (1/1000 + 1/1000)/2 = 0.001
  //   z = −(0.05 − 0.001)/sqrt(2.8875e−4) = −2.883600443048841
  //   log M = ½ log(r/(1 + r)) + z²/(2(1 + r)) = 2.597269738240924 → p = e^(−log M) = 0.07447664160660773
  //   bounds solve (|Δ̂ − Δ0| − cc)² = z*²·Var(Δ0) by bisection: [−0.10278808416019601, 0.002593728500962341]
  it('matches the hand-computed example', () => {
    const result = proportionDifferenceCS(
      { stable: { successes: 850, total: 1000 }, canary: { successes: 800, total: 1000 } },
      plan1000,
    );
    expect(result.estimate).toBeCloseTo(-0.05, 14);
    expect(result.effectiveN).toBe(500);
    expect(result.criticalZ).toBeCloseTo(3.0352089903762534, 12);
    expect(result.standardError).toBeCloseTo(Math.sqrt(2.8875e-4), 14);
    expect(result.z).toBeCloseTo(-2.883600443048841, 11);
    expect(result.logEvidence).toBeCloseTo(2.597269738240924, 10);
    expect(result.pValue).toBeCloseTo(0.07447664160660773, 10);
    expect(result.lower).toBeCloseTo(-0.10278808416019601, 9);
    expect(result.upper).toBeCloseTo(0.002593728500962341, 9);
    expect(result.reliable).toBe(true);
  });

  // Same method at a 10 % canary share: stable 17100/18000 (95 %), canary 1620/2000 (81 %).
  it('handles an unequal split (hand-computed: n_eff 1800, bounds [−0.16872, −0.11404])', () => {
    const result = proportionDifferenceCS(
      { stable: { successes: 17100, total: 18000 }, canary: { successes: 1620, total: 2000 } },
      { planN: { stable: 18000, canary: 2000 } },
    );
    expect(result.effectiveN).toBeCloseTo(1800, 10);
    expect(result.lower).toBeCloseTo(-0.16871774960834754, 9);
    expect(result.upper).toBeCloseTo(-0.1140426939183628, 9);
    expect(result.z).toBeCloseTo(-24.219982526153757, 9);
  });

  it('restricted variance agrees with direct maximisation of the likelihood', () => {
    const cases: [number, number, number, number, number][] = [
      [80, 100, 850, 1000, -0.1],
      [0, 1000, 0, 19000, 0.01],
      [1000, 1000, 18000, 19000, -0.2],
      [3, 200, 40, 9800, 0],
      [150, 200, 12, 50, 0.4],
      [1, 7, 6, 9, -0.5],
    ];
    for (const [xC, nC, xS, nS, delta] of cases) {
      const closedForm = restrictedVariance(xC, nC, xS, nS, delta);
      expect(Math.abs(closedForm - numericRestrictedVariance(xC, nC, xS, nS, delta))).toBeLessThan(
        1e-6 * closedForm + 1e-15,
      );
    }
  });

  it('p ≤ α exactly when the null lies outside the confidence sequence', () => {
    const rng = createRng(11);
    for (let i = 0; i < 300; i += 1) {
      const nS = 100 + rng.int(5000);
      const nC = 100 + rng.int(2000);
      const counts = {
        stable: { successes: rng.binomial(nS, 0.9), total: nS },
        canary: { successes: rng.binomial(nC, 0.88), total: nC },
      };
      const nullDifference = -0.06 + 0.08 * rng.next();
      const result = proportionDifferenceCS(counts, {
        planN: { stable: 3000, canary: 1000 },
        nullDifference,
      });
      const outside = nullDifference < result.lower || nullDifference > result.upper;
      // Bounds are solved to 1e-10; skip nulls sitting on the boundary.
      if (
        Math.min(Math.abs(nullDifference - result.lower), Math.abs(nullDifference - result.upper)) >
        1e-8
      ) {
        expect(result.pValue <= result.alpha).toBe(outside);
      }
    }
  });

  it('is antisymmetric in the arms', () => {
    const a = proportionDifferenceCS(
      { stable: { successes: 700, total: 900 }, canary: { successes: 60, total: 100 } },
      { planN: { stable: 900, canary: 100 } },
    );
    const b = proportionDifferenceCS(
      { stable: { successes: 60, total: 100 }, canary: { successes: 700, total: 900 } },
      { planN: { stable: 100, canary: 900 } },
    );
    expect(b.estimate).toBeCloseTo(-a.estimate, 14);
    expect(b.lower).toBeCloseTo(-a.upper, 9);
    expect(b.upper).toBeCloseTo(-a.lower, 9);
    expect(b.pValue).toBeCloseTo(a.pValue, 12);
  });

  it('reports trivial bounds during the burn-in', () => {
    const result = proportionDifferenceCS(
      { stable: { successes: 10, total: 1000 }, canary: { successes: 60, total: 99 } },
      plan1000,
    );
    expect(result).toMatchObject({
      reliable: false,
      lower: -1,
      upper: 1,
      pValue: 1,
      logEvidence: 0,
    });
    expect(result.estimate).toBeCloseTo(60 / 99 - 0.01, 14);
    const withEvents = proportionDifferenceCS(
      { stable: { successes: 2, total: 1000 }, canary: { successes: 1, total: 1000 } },
      { ...plan1000, minEvents: 5 },
    );
    expect(withEvents.reliable).toBe(false);
  });

  it('gives finite, honest bounds when neither arm has seen an event', () => {
    const result = proportionDifferenceCS(
      { stable: { successes: 0, total: 19000 }, canary: { successes: 0, total: 1000 } },
      { planN: { stable: 19000, canary: 1000 } },
    );
    expect(result.pValue).toBe(1);
    expect(result.lower).toBeLessThan(0);
    // Zero errors in 1000 canary requests cannot prove an error rate below ~0.3 % (rule of three).
    expect(result.upper).toBeGreaterThan(0.003);
    expect(result.upper).toBeLessThan(0.02);
  });

  it('rejects impossible input', () => {
    expect(() =>
      proportionDifferenceCS(
        { stable: { successes: 11, total: 10 }, canary: { successes: 1, total: 10 } },
        plan1000,
      ),
    ).toThrow(RangeError);
    expect(() =>
      proportionDifferenceCS(
        { stable: { successes: 1.5, total: 10 }, canary: { successes: 1, total: 10 } },
        plan1000,
      ),
    ).toThrow(/stable.successes/);
    expect(() =>
      proportionDifferenceCS(
        { stable: { successes: 1, total: 10 }, canary: { successes: 1, total: 10 } },
        { ...plan1000, alpha: 1 },
      ),
    ).toThrow(/alpha/);
    expect(() =>
      proportionDifferenceCS(
        { stable: { successes: 1, total: 10 }, canary: { successes: 1, total: 10 } },
        { planN: { stable: 0, canary: 1 } },
      ),
    ).toThrow(/planN/);
  });
});
