import { describe, expect, it } from 'vitest';
import { chiSquareCdf, chiSquareSf, normalCdf, normalQuantile, normalSf } from './distributions.js';

// Reference values computed with mpmath at 40 significant digits (ncdf, sqrt(2)·erfinv(2p − 1),
// regularised incomplete gamma), rounded to double precision.
describe('distribution functions against reference values', () => {
  it.each([
    ['Φ(1.96)', () => normalCdf(1.96), 0.9750021048517795, 1e-15],
    ['Φ(0)', () => normalCdf(0), 0.5, 0],
    ['Φ(−10) (deep tail, relative)', () => normalCdf(-10) / 7.619853024160525e-24, 1, 1e-12],
    ['1 − Φ(10) without cancellation', () => normalSf(10) / 7.619853024160525e-24, 1, 1e-12],
    ['Φ⁻¹(0.975)', () => normalQuantile(0.975), 1.959963984540054, 1e-14],
    ['Φ⁻¹(0.025)', () => normalQuantile(0.025), -1.959963984540054, 1e-14],
    [
      'Φ⁻¹(1e−20) (where erfinv(2p − 1) collapses)',
      () => normalQuantile(1e-20),
      -9.262340089798407,
      1e-13,
    ],
    ['χ²₁ cdf(3.841458820694124)', () => chiSquareCdf(3.841458820694124, 1), 0.95, 1e-14],
    ['χ²₃ sf(7.814727903251178)', () => chiSquareSf(7.814727903251178, 3), 0.05, 1e-14],
    ['χ²₂ cdf(1) = 1 − e^(−1/2)', () => chiSquareCdf(1, 2), 0.3934693402873666, 1e-15],
    ['χ²₁ sf(100) (relative)', () => chiSquareSf(100, 1) / 1.523970604832105e-23, 1, 1e-10],
  ] as const)('%s', (_name, compute, expected, tolerance) => {
    expect(Math.abs(compute() - expected)).toBeLessThanOrEqual(tolerance);
  });

  it('quantile inverts the CDF across the range', () => {
    for (const p of [1e-12, 1e-6, 0.001, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-9]) {
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
    }
  });

  it('handles the edges of the domain', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(chiSquareSf(0, 2)).toBe(1);
  });
});
