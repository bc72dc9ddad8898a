import { describe, expect, it } from 'vitest';
import { disagreementNonInferiority } from './disagreement-bound.js';
import { proportionCS } from './proportion-cs.js';

describe('disagreementNonInferiority', () => {
  const options = { margin: 0.01, planN: 5000 };

  it('proves non-inferiority once the disagreement bound falls below the margin', () => {
    const result = disagreementNonInferiority({ nPairs: 5000, nDisagree: 15 }, options);
    expect(result.disagreement.estimate).toBeCloseTo(0.003, 14);
    expect(result.disagreement.upper).toBeLessThan(0.01);
    expect(result.nonInferior).toBe(true);
    expect(result.pValue).toBeLessThanOrEqual(0.05);
  });

  it('does not claim it while the bound still reaches the margin', () => {
    const early = disagreementNonInferiority({ nPairs: 300, nDisagree: 0 }, options);
    expect(early.nonInferior).toBe(false);
    expect(early.pValue).toBeGreaterThan(0.05);
    const tooMuch = disagreementNonInferiority({ nPairs: 5000, nDisagree: 80 }, options);
    expect(tooMuch).toMatchObject({ nonInferior: false, pValue: 1 });
  });

  it('uses the exact single-proportion confidence sequence', () => {
    const result = disagreementNonInferiority({ nPairs: 2000, nDisagree: 9 }, options);
    const direct = proportionCS(
      { successes: 9, total: 2000 },
      { planN: 5000, nullProportion: 0.01 },
    );
    expect(result.disagreement).toEqual(direct);
  });

  it('rejects impossible input', () => {
    expect(() => disagreementNonInferiority({ nPairs: 2, nDisagree: 3 }, options)).toThrow(
      RangeError,
    );
    expect(() =>
      disagreementNonInferiority({ nPairs: 2, nDisagree: 1 }, { margin: 0, planN: 10 }),
    ).toThrow(/margin/);
  });
});
