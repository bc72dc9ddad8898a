import { describe, expect, it } from 'vitest';
import { latencyExceedanceTest } from './latency-exceedance.js';

describe('latencyExceedanceTest', () => {
  const options = { quantile: 0.95, maxRatio: 1.5, planN: 5000 };

  it('derives the expected share and the tolerated limit from the reference quantile', () => {
    const result = latencyExceedanceTest({ successes: 0, total: 0 }, options);
    expect(result.expectedShare).toBeCloseTo(0.05, 15);
    expect(result.limit).toBeCloseTo(0.075, 15);
    expect(result).toMatchObject({ regression: false, withinLimit: false, pValue: 1 });
  });

  it('flags a canary whose slow share is proven above the limit', () => {
    // 12 % of canary requests slower than stable's p95 where at most 7.5 % is tolerated.
    const result = latencyExceedanceTest({ successes: 360, total: 3000 }, options);
    expect(result.share.lower).toBeGreaterThan(0.075);
    expect(result.regression).toBe(true);
    expect(result.pValue).toBeLessThan(0.05);
  });

  it('passes a canary that is as fast as stable once enough requests are seen', () => {
    const result = latencyExceedanceTest({ successes: 250, total: 5000 }, options);
    expect(result.withinLimit).toBe(true);
    expect(result.regression).toBe(false);
    expect(result.pValue).toBe(1);
  });

  it('holds while the evidence is inconclusive', () => {
    const result = latencyExceedanceTest({ successes: 9, total: 100 }, options);
    expect(result).toMatchObject({ regression: false, withinLimit: false });
  });

  it('rejects a tolerance that leaves no room', () => {
    expect(() =>
      latencyExceedanceTest({ successes: 1, total: 2 }, { ...options, maxRatio: 25 }),
    ).toThrow(RangeError);
  });
});
