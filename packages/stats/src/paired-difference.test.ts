import { describe, expect, it } from 'vitest';
import { pairedDifferenceCS, pairedRestrictedVariance } from './paired-difference.js';

describe('pairedDifferenceCS', () => {
  // Hand computation for n10 = 30, n01 = 55, n = 1000 pairs, planN = 1000, α = 0.05:
  //   Δ̂ = (30 − 55)/1000 = −0.025; at Δ0 = 0 the restricted variance is (n10 + n01)/n² and, with
  //   Edwards' continuity correction of one count, z = −(25 − 1)/sqrt(85) = −2.603165493823874
  //   (McNemar's statistic). z* = 3.0352089903762534 (ρ = 1000/7.936154601737565, n = 1000), so
  //   p = exp(−(½ log(r/(1 + r)) + z²/(2(1 + r)))) = 0.1474859611214235 and the bounds that solve
  //   (|Δ̂ − Δ0| − 1/n)² = z*²·Var(Δ0) are [−0.0560212193771171, 0.004192941609619782].
  it('matches the hand-computed example', () => {
    const result = pairedDifferenceCS({ nPairs: 1000, n10: 30, n01: 55 }, { planN: 1000 });
    expect(result.estimate).toBeCloseTo(-0.025, 14);
    expect(result.z).toBeCloseTo(-24 / Math.sqrt(85), 12);
    expect(result.criticalZ).toBeCloseTo(3.0352089903762534, 12);
    expect(result.pValue).toBeCloseTo(0.1474859611214235, 10);
    expect(result.lower).toBeCloseTo(-0.0560212193771171, 9);
    expect(result.upper).toBeCloseTo(0.004192941609619782, 9);
  });

  it('restricted variance maximises the trinomial likelihood under the null', () => {
    for (const [n10, n01, n, delta] of [
      [30, 55, 1000, -0.02],
      [0, 0, 500, 0.01],
      [12, 3, 80, 0.1],
      [200, 10, 400, -0.3],
    ] as const) {
      const logLik = (q01: number): number => {
        const cells: [number, number][] = [
          [n10, q01 + delta],
          [n01, q01],
          [n - n10 - n01, 1 - 2 * q01 - delta],
        ];
        return cells.reduce((sum, [count, p]) => sum + (count > 0 ? count * Math.log(p) : 0), 0);
      };
      const variance = pairedRestrictedVariance(n10, n01, n, delta);
      // The closed form's q01 solves Var·n = 2·q01 + δ − δ²; nudging q01 must not raise the likelihood.
      const q01 = (variance * n - delta + delta * delta) / 2;
      expect(logLik(q01)).toBeGreaterThanOrEqual(
        logLik(Math.min(q01 + 1e-4, (1 - delta) / 2 - 1e-9)) - 1e-9,
      );
      if (q01 - 1e-4 > Math.max(0, -delta))
        expect(logLik(q01)).toBeGreaterThanOrEqual(logLik(q01 - 1e-4) - 1e-9);
    }
  });

  it('holds until enough pairs and discordant pairs are seen', () => {
    expect(pairedDifferenceCS({ nPairs: 99, n10: 40, n01: 0 }, { planN: 1000 }).reliable).toBe(
      false,
    );
    expect(pairedDifferenceCS({ nPairs: 5000, n10: 10, n01: 9 }, { planN: 1000 })).toMatchObject({
      reliable: false,
      lower: -1,
      upper: 1,
    });
    expect(pairedDifferenceCS({ nPairs: 5000, n10: 11, n01: 9 }, { planN: 1000 }).reliable).toBe(
      true,
    );
  });

  it('tests a non-inferiority margin', () => {
    const result = pairedDifferenceCS(
      { nPairs: 20000, n10: 400, n01: 420 },
      { planN: 20000, nullDifference: -0.01 },
    );
    expect(result.lower).toBeGreaterThan(-0.01);
    expect(result.pValue).toBeLessThan(0.05);
  });

  it('rejects impossible input', () => {
    expect(() => pairedDifferenceCS({ nPairs: 10, n10: 6, n01: 5 }, { planN: 10 })).toThrow(
      RangeError,
    );
  });
});
