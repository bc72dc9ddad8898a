/**
 * The hash behind sticky assignment: reference vectors, pinned buckets, and the statistical
 * quality of the split over 100,000 keys. Keys and rollout ids are fixed, so every check is
 * deterministic; the tolerances say how far from the configured weight a good hash may land.
 */
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketOf, canaryBucketLimit } from './bucket.js';

const N = 100_000;
const keys = Array.from({ length: N }, (_, i) => `user-${i}`);
const bucketsA = keys.map((key) => bucketOf(key, 'rollout-a'));
const bucketsB = keys.map((key) => bucketOf(key, 'rollout-b'));

/** Upper-tail p-value of a χ² statistic. */
const chiSquareP = (statistic: number, degreesOfFreedom: number): number =>
  1 - chisquareCdf(statistic, degreesOfFreedom);

function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    const dx = x - mx;
    const dy = (ys[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('MurmurHash3 x86_32 from the murmurhash package', () => {
  // Reference vectors of Appleby's SMHasher implementation (UTF-8 input, unsigned output).
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['test', 0, 0xba6bd213],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ])('hashes %j with seed %i to the reference value', (input, seed, expected) => {
    expect(murmurhash.v3(new TextEncoder().encode(input), seed)).toBe(expected);
  });
});

describe('bucketOf', () => {
  it('pins known assignments, so a change of hash cannot silently reshuffle users', () => {
    expect([
      bucketOf('user-1', 'rollout-a'),
      bucketOf('user-2', 'rollout-a'),
      bucketOf('user-1', 'rollout-b'),
      bucketOf('ünïcødé-ключ', 'r-42'),
    ]).toEqual(PINNED);
  });

  it('returns whole buckets in [0, 10,000) and the same bucket on every call', () => {
    expect(bucketsA.every((b) => Number.isInteger(b) && b >= 0 && b < BUCKET_COUNT)).toBe(true);
    expect(keys.slice(0, 1000).map((key) => bucketOf(key, 'rollout-a'))).toEqual(
      bucketsA.slice(0, 1000),
    );
  });

  it('spreads keys evenly over the buckets (χ² over 100 groups and over all 10,000, p > 0.001)', () => {
    for (const groups of [100, BUCKET_COUNT]) {
      const counts = new Array<number>(groups).fill(0);
      for (const b of bucketsA) counts[Math.floor((b * groups) / BUCKET_COUNT)]! += 1;
      const expected = N / groups;
      const statistic = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
      expect(chiSquareP(statistic, groups - 1)).toBeGreaterThan(0.001);
    }
  });

  it.each([0.01, 0.05, 0.25, 0.5])(
    'sends %f of 100,000 keys to the canary within 4.5 sd and χ² p > 0.001',
    (weight) => {
      const limit = canaryBucketLimit(weight);
      const canary = bucketsA.filter((b) => b < limit).length;
      const expected = N * weight;
      const sd = Math.sqrt(N * weight * (1 - weight));
      expect(Math.abs(canary - expected)).toBeLessThan(4.5 * sd);
      const statistic =
        (canary - expected) ** 2 / expected + (N - canary - (N - expected)) ** 2 / (N - expected);
      expect(chiSquareP(statistic, 1)).toBeGreaterThan(0.001);
    },
  );

  it('assigns independently in different rollouts (correlation within 4.5/√n of 0)', () => {
    const bound = 4.5 / Math.sqrt(N);
    expect(Math.abs(pearson(bucketsA, bucketsB))).toBeLessThan(bound);
    const half = canaryBucketLimit(0.5);
    const inA = bucketsA.map((b) => (b < half ? 1 : 0));
    const inB = bucketsB.map((b) => (b < half ? 1 : 0));
    expect(Math.abs(pearson(inA, inB))).toBeLessThan(bound);
    // Same rollout, same key: identical, the opposite extreme.
    expect(
      pearson(
        bucketsA,
        keys.map((key) => bucketOf(key, 'rollout-a')),
      ),
    ).toBe(1);
  });
});

describe('canaryBucketLimit', () => {
  it.each([
    [0, 0],
    [0.00004, 0],
    [0.00005, 1],
    [0.01, 100],
    [0.29, 2900],
    [0.5, 5000],
    [1, BUCKET_COUNT],
  ])('maps weight %f to %i buckets', (weight, limit) => {
    expect(canaryBucketLimit(weight)).toBe(limit);
  });

  it('never decreases as the weight grows', () => {
    const limits = Array.from({ length: 1001 }, (_, i) => canaryBucketLimit(i / 1000));
    expect(limits.every((limit, i) => i === 0 || limit >= (limits[i - 1] ?? 0))).toBe(true);
  });
});

/**
 * murmur3_32(utf8(key), seed = murmur3_32(utf8(rolloutId), 0)) % 10000, computed with an
 * independent transcription of the reference algorithm, not with this code.
 */
const PINNED = [1347, 9328, 8524, 7662];
