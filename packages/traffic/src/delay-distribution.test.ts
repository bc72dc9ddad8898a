import { describe, expect, it } from 'vitest';
import {
  constantDelay,
  delayAt,
  describeDelay,
  exponentialDelay,
  meanDelay,
} from './delay-distribution.js';

describe('delayAt', () => {
  it('gives a constant delay for every draw', () => {
    expect([0.01, 0.5, 0.99].map((u) => delayAt(constantDelay(300), u))).toEqual([300, 300, 300]);
  });

  it.each([
    // Exponential quantiles: -mean · ln(1 − u).
    [0.5, 5_000 * Math.LN2],
    [1 - Math.exp(-1), 5_000],
    [0.95, -5_000 * Math.log(0.05)],
  ])('inverts the exponential CDF at u = %f', (u, expected) => {
    expect(delayAt(exponentialDelay(5_000), u)).toBeCloseTo(expected, 6);
  });

  it('averages to the mean over an even grid of draws', () => {
    const n = 100_000;
    let sum = 0;
    for (let i = 0; i < n; i += 1) sum += delayAt(exponentialDelay(2_000), (i + 0.5) / n);
    expect(sum / n).toBeCloseTo(2_000, -1);
  });

  it('describes itself', () => {
    expect(meanDelay(exponentialDelay(10))).toBe(10);
    expect(meanDelay(constantDelay(7))).toBe(7);
    expect(describeDelay(exponentialDelay(10))).toBe('exponential, mean 10 ms');
    expect(describeDelay(constantDelay(0))).toBe('0 ms');
  });
});
