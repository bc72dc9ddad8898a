import { describe, expect, it } from 'vitest';
import { RecentBuckets } from './recent-buckets.js';

const PLACE = {
  rolloutId: 'ro-1',
  variant: 'v1',
  role: 'STABLE',
  served: true,
  start: 60_000,
} as const;

describe('RecentBuckets', () => {
  it.each([
    ['another rollout', { rolloutId: 'ro-2' }],
    ['another variant', { variant: 'v2' }],
    ['another role', { role: 'SHADOW' }],
    ['a shadow copy', { served: false }],
    ['another bucket', { start: 120_000 }],
  ] as const)('finds a bucket only by all of its place: not %s', (_name, change) => {
    const recent = new RecentBuckets<string>();
    recent.remember({ ...PLACE, key: 'k1', bucket: 'b1' });
    expect(recent.find({ ...PLACE })).toMatchObject({ key: 'k1', bucket: 'b1' });
    expect(recent.find({ ...PLACE, ...change })).toBeUndefined();
  });

  it('forgets the oldest bucket when full, and everything on clear', () => {
    const recent = new RecentBuckets<number>(2);
    for (const start of [1, 2, 3])
      recent.remember({ ...PLACE, start, key: `k${start}`, bucket: start });
    expect([1, 2, 3].map((start) => recent.find({ ...PLACE, start })?.bucket)).toEqual([
      undefined,
      2,
      3,
    ]);
    recent.remember({ ...PLACE, start: 4, key: 'k4', bucket: 4 });
    expect(recent.find({ ...PLACE, start: 2 })).toBeUndefined();
    recent.clear();
    expect(recent.find({ ...PLACE, start: 4 })).toBeUndefined();
  });
});
