import { describe, expect, it } from 'vitest';
import { betaBinomialConcentration, betaBinomialLogMixture } from './proportion-cs.js';
import { srmChiSquareTest, srmSequentialTest } from './sample-ratio-mismatch.js';

describe('srmChiSquareTest', () => {
  // Reference: scipy.stats.chisquare.
  it.each([
    [[5100, 4900], [1, 1], 4, 0.04550026389635857],
    [[930, 3000, 6070], [1, 3, 6], 5.716666666666667, 0.057364287783395196],
  ])('observed %j vs weights %j', (observed, weights, statistic, pValue) => {
    const result = srmChiSquareTest(observed, weights);
    expect(result.statistic).toBeCloseTo(statistic, 10);
    expect(result.df).toBe(observed.length - 1);
    expect(result.pValue).toBeCloseTo(pValue, 12);
  });

  it('reports tiny p-values for a broken split instead of rounding to 0', () => {
    const result = srmChiSquareTest([6000, 4000], [1, 1]);
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThan(1e-80);
  });

  it('is silent without data and rejects malformed input', () => {
    expect(srmChiSquareTest([0, 0], [1, 9]).pValue).toBe(1);
    expect(() => srmChiSquareTest([1], [1])).toThrow(RangeError);
    expect(() => srmChiSquareTest([1, 2], [1, 0])).toThrow(/weights\[1\]/);
    expect(() => srmChiSquareTest([1, -2], [1, 1])).toThrow(/observed\[1\]/);
  });
});

describe('srmSequentialTest', () => {
  // Dirichlet-multinomial Bayes factor (Lindon & Malek 2022), hand-computed with math.lgamma:
  // κ = 10000/(2 log 1000 + log(1 + 2 log 1000)) − 1 = 604.6500413804196 (α = 0.001), and
  // log BF = lgamma(κ) − lgamma(κ + N) + Σ [lgamma(κθ_i + x_i) − lgamma(κθ_i) − x_i log θ_i].
  it.each([
    [[5100, 4900], [1, 1], 0.45366591797210276],
    [[5300, 4700], [1, 1], 15.551767945769825],
    [[930, 3000, 6070], [1, 3, 6], -0.09100373381807003],
  ])('observed %j vs weights %j', (observed, weights, logBayesFactor) => {
    const result = srmSequentialTest(observed, weights, { planN: 10000 });
    expect(result.logBayesFactor).toBeCloseTo(logBayesFactor, 8);
    expect(result.pValue).toBeCloseTo(Math.min(1, Math.exp(-logBayesFactor)), 10);
    expect(result.mismatch).toBe(result.pValue <= 0.001);
  });

  it('reduces to the beta-binomial mixture for two arms', () => {
    const kappa = betaBinomialConcentration(4000, 0.01);
    const result = srmSequentialTest([130, 1870], [5, 95], { planN: 4000, alpha: 0.01 });
    expect(result.logBayesFactor).toBeCloseTo(betaBinomialLogMixture(130, 2000, 0.05, kappa), 9);
    expect(result.expectedShares).toEqual([0.05, 0.95]);
    expect(result.observedShares).toEqual([0.065, 0.935]);
  });

  it('flags a large mismatch and starts at BF = 1', () => {
    expect(srmSequentialTest([5600, 4400], [1, 1], { planN: 10000 }).mismatch).toBe(true);
    expect(srmSequentialTest([0, 0, 0], [1, 1, 1], { planN: 100 })).toMatchObject({
      logBayesFactor: 0,
      pValue: 1,
      mismatch: false,
    });
  });
});
