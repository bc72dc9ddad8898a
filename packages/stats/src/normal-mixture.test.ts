import { describe, expect, it } from 'vitest';
import {
  mixturePrecisionForHorizon,
  normalMixtureCriticalZ,
  normalMixtureLogEvidence,
} from './normal-mixture.js';

// Two-sided normal mixture (Howard et al. 2021): with r = ρ/n,
//   z*(n) = sqrt((1 + r)·(log((1 + r)/r) + 2·log(1/α)))
// and the tuning ρ = m / (2·log(1/α) + log(1 + 2·log(1/α))).
// Hand computation for α = 0.05, m = 500:
//   2·log(20) = 5.991464547107979; log(1 + 5.991464547107979) = 1.944690054629586
//   denominator = 7.936154601737565; ρ = 500 / 7.936154601737565 = 63.0028048962817
//   at n = 500: r = 0.1260056097925634, z* = sqrt(1.1260056 · (2.1901547 + 5.9914645)) = 3.0352089903762534
//   at n = 125: r = 0.5040224391702536, z* = 3.264293371826405
//   at n = 2000: r = 0.0315014024481408, z* = 3.1271141436879906
describe('normal-mixture boundary', () => {
  const alpha = 0.05;
  const rho = mixturePrecisionForHorizon(500, alpha);

  it('tunes ρ for the planned horizon as in Howard et al.', () => {
    expect(rho).toBeCloseTo(63.0028048962817, 10);
  });

  it.each([
    [500, 3.0352089903762534],
    [125, 3.264293371826405],
    [2000, 3.1271141436879906],
  ])('critical z after %i observations is %f', (n, expected) => {
    expect(normalMixtureCriticalZ(n, rho, alpha)).toBeCloseTo(expected, 12);
  });

  it('is tightest at the planned horizon', () => {
    const atPlan = normalMixtureCriticalZ(500, rho, alpha);
    for (const n of [100, 250, 400, 600, 1000, 5000]) {
      expect(normalMixtureCriticalZ(n, rho, alpha)).toBeGreaterThan(atPlan);
    }
  });

  it('evidence reaches 1/α exactly on the boundary', () => {
    for (const n of [10, 500, 1e5]) {
      const z = normalMixtureCriticalZ(n, rho, alpha);
      expect(normalMixtureLogEvidence(z, n, rho)).toBeCloseTo(Math.log(1 / alpha), 12);
      expect(normalMixtureLogEvidence(-z, n, rho)).toBeCloseTo(Math.log(1 / alpha), 12);
    }
  });

  it('rejects nothing without information', () => {
    expect(normalMixtureCriticalZ(0, rho, alpha)).toBe(Number.POSITIVE_INFINITY);
    expect(normalMixtureLogEvidence(5, 0, rho)).toBe(0);
  });
});
