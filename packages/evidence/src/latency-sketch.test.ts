import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { describe, expect, it } from 'vitest';
import { createRng } from '@kanary/stats';
import { LatencySketch } from './latency-sketch.js';

/** Log-normal latencies (median ≈ 40 ms, long right tail) from a seeded generator. */
function latencies(seed: number, n: number): number[] {
  const rng = createRng(seed);
  const random = () => rng.next();
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.exp(Math.log(40) + 0.8 * z);
  });
}

/** The exact quantile DDSketch approximates: the sample of rank ⌊q(n−1)⌋ (0-based). */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

describe('LatencySketch', () => {
  it.each([0.01, 0.02, 0.05])('answers p50/p95/p99 within relative accuracy %f', (alpha) => {
    const values = latencies(11, 20_000);
    const sketch = new LatencySketch(alpha);
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(sorted, q);
      const estimate = sketch.quantile(q) as number;
      expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(alpha * exact);
    }
  });

  it('is null when empty and merges exactly', () => {
    const values = latencies(5, 4000);
    const whole = new LatencySketch(0.01);
    const left = new LatencySketch(0.01);
    const right = new LatencySketch(0.01);
    expect(whole.quantile(0.5)).toBeNull();
    values.forEach((v, i) => {
      whole.add(v);
      (i % 2 === 0 ? left : right).add(v);
    });
    left.merge(right);
    expect(left.count).toBe(4000);
    for (const q of [0, 0.5, 0.95, 0.99, 1]) expect(left.quantile(q)).toBe(whole.quantile(q));
  });

  it('encodes only non-empty bins and decodes to the same quantiles and the same encoding', () => {
    const sketch = new LatencySketch(0.01);
    for (const v of [...latencies(3, 3000), 0, 0, 1e-9]) sketch.add(v);
    const encoded = sketch.encode();
    expect(encoded[0]).toBe(2); // two zeros
    expect(LatencySketch.isEncoded(encoded)).toBe(true);
    const restored = LatencySketch.decode(
      JSON.parse(JSON.stringify(encoded)) as typeof encoded,
      0.01,
    );
    expect(restored.count).toBe(sketch.count);
    for (const q of [0, 0.001, 0.5, 0.95, 0.99, 1])
      expect(restored.quantile(q)).toBe(sketch.quantile(q));
    expect(restored.encode()).toEqual(encoded);
    expect(JSON.stringify(encoded).length).toBeLessThan(3000);
  });

  it.each([0.001, 0.01, 0.05, 0.2])(
    'maps every bin representative back to its own bin, over the whole key range (α = %f)',
    (alpha) => {
      // decode() relies on this to put each restored count in its original bin.
      const { mapping } = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: alpha });
      const lowest = mapping.key(mapping.minPossible * (1 + 1e-9));
      const highest = mapping.key(mapping.maxPossible / (1 + 1e-9));
      const misplaced: number[] = [];
      for (let key = lowest; key <= highest; key++) {
        if (mapping.key(mapping.value(key)) !== key) misplaced.push(key);
      }
      expect(highest - lowest).toBeGreaterThan(2000);
      expect(misplaced).toEqual([]);
    },
  );

  it('rejects shapes it did not write', () => {
    for (const bad of [
      null,
      [0, [], []].slice(0, 2),
      [-1, [], []],
      [0, [1], []],
      [0, [1, 0], []],
      'x',
    ]) {
      expect(LatencySketch.isEncoded(bad)).toBe(false);
    }
  });
});
