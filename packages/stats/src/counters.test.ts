import { describe, expect, it } from 'vitest';
import { disagreementCounter, pairedCounter, proportionCounter } from './counters.js';

describe('sufficient-statistics counters', () => {
  it('observe builds counts one outcome at a time', () => {
    let counts = proportionCounter.empty();
    for (const success of [true, false, true, true])
      counts = proportionCounter.observe(counts, success);
    expect(counts).toEqual({ successes: 3, total: 4 });
    expect(Object.isFrozen(counts)).toBe(true);

    let pairs = pairedCounter.empty();
    pairs = pairedCounter.observe(pairs, true, false);
    pairs = pairedCounter.observe(pairs, false, true);
    pairs = pairedCounter.observe(pairs, true, true);
    expect(pairs).toEqual({ nPairs: 3, n10: 1, n01: 1 });

    const agreement = disagreementCounter.observe(
      disagreementCounter.observe(disagreementCounter.empty(), true),
      false,
    );
    expect(agreement).toEqual({ nPairs: 2, nDisagree: 1 });
  });

  it('merge is a field-wise sum, order-independent', () => {
    const a = { successes: 3, total: 10 };
    const b = { successes: 5, total: 7 };
    expect(proportionCounter.merge(a, b)).toEqual({ successes: 8, total: 17 });
    expect(proportionCounter.merge(a, b)).toEqual(proportionCounter.merge(b, a));
    expect(
      pairedCounter.merge({ nPairs: 10, n10: 2, n01: 1 }, { nPairs: 5, n10: 0, n01: 4 }),
    ).toEqual({ nPairs: 15, n10: 2, n01: 5 });
  });

  it('survives a JSON round trip (crash recovery)', () => {
    const counts = {
      accuracy: { successes: 812, total: 950 },
      pairs: { nPairs: 40, n10: 3, n01: 2 },
    };
    const restored = JSON.parse(JSON.stringify(counts)) as unknown as Record<string, unknown>;
    expect(proportionCounter.fromJSON(restored.accuracy)).toEqual(counts.accuracy);
    expect(pairedCounter.fromJSON(restored.pairs)).toEqual(counts.pairs);
  });

  it.each([
    [null, /must be an object/],
    [[1, 2], /must be an object/],
    [{ successes: 1 }, /total must be a non-negative integer/],
    [{ successes: -1, total: 3 }, /successes must be a non-negative integer/],
    [{ successes: 1.5, total: 3 }, /successes must be a non-negative integer/],
    [{ successes: '1', total: 3 }, /successes must be a non-negative integer/],
    [{ successes: 4, total: 3 }, /exceed total/],
  ])('fromJSON rejects %j', (value, message) => {
    expect(() => proportionCounter.fromJSON(value)).toThrow(message);
  });

  it('enforces the pair invariants', () => {
    expect(() => pairedCounter.fromJSON({ nPairs: 3, n10: 2, n01: 2 })).toThrow(/exceed nPairs/);
    expect(() => disagreementCounter.fromJSON({ nPairs: 3, nDisagree: 4 })).toThrow(
      /exceeds nPairs/,
    );
  });
});
