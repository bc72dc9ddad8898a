import { describe, expect, it } from 'vitest';
import { mean, variance } from 'simple-statistics';
import { createRng } from './rng.js';

describe('createRng', () => {
  // Golden values from an independent Python implementation of splitmix32 seeding and
  // xoshiro128** (Blackman & Vigna), combining two outputs into 53 bits.
  it.each([
    [42, [0.6606157208001621, 0.1117019639532224, 0.0791056456144914]],
    [0, [0.8868539502021594, 0.012474988946590604, 0.032522145755498943]],
  ])('seed %i reproduces the reference stream', (seed, expected) => {
    const rng = createRng(seed);
    expect([rng.next(), rng.next(), rng.next()]).toEqual(expected);
  });

  it('is deterministic per seed and differs between nearby seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('draws with the right moments', () => {
    const rng = createRng(123);
    const n = 100_000;
    const uniforms = Array.from({ length: n }, () => rng.next());
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniforms)).toBeLessThan(1);
    expect(mean(uniforms)).toBeCloseTo(0.5, 2);
    expect(variance(uniforms)).toBeCloseTo(1 / 12, 2);
    const normals = Array.from({ length: n }, () => rng.normal());
    expect(Math.abs(mean(normals))).toBeLessThan(0.02);
    expect(variance(normals)).toBeCloseTo(1, 1);
    const hits = Array.from({ length: n }, () => (rng.bernoulli(0.3) ? 1 : 0));
    expect(mean(hits)).toBeCloseTo(0.3, 2);
    const ints = Array.from({ length: n }, () => rng.int(10));
    expect(new Set(ints).size).toBe(10);
  });

  it.each([
    [50, 0.85],
    [20, 0.02],
    [20_000, 0.5],
    [3000, 0.999],
  ])('binomial(%i, %f) has mean np and variance np(1 − p)', (trials, p) => {
    const rng = createRng(99);
    const draws = Array.from({ length: 4000 }, () => rng.binomial(trials, p));
    const sd = Math.sqrt(trials * p * (1 - p));
    expect(Math.abs(mean(draws) - trials * p)).toBeLessThan((5 * sd) / Math.sqrt(draws.length));
    expect(variance(draws) / (sd * sd)).toBeGreaterThan(0.85);
    expect(variance(draws) / (sd * sd)).toBeLessThan(1.15);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(trials);
  });

  it('handles degenerate binomials and rejects bad arguments', () => {
    const rng = createRng(1);
    expect(rng.binomial(0, 0.5)).toBe(0);
    expect(rng.binomial(10, 0)).toBe(0);
    expect(rng.binomial(10, 1)).toBe(10);
    expect(() => rng.binomial(-1, 0.5)).toThrow(RangeError);
    expect(() => rng.binomial(5, 1.5)).toThrow(RangeError);
    expect(() => rng.int(0)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
  });
});
