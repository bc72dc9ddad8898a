import { describe, expect, it } from 'vitest';
import { hashUniform } from './hash-uniform.js';

describe('hashUniform', () => {
  it('is a pure function of its parts, pinned to fixed values', () => {
    expect(hashUniform(1, 'a', 'b')).toBe(hashUniform(1, 'a', 'b'));
    expect(hashUniform(1, 'a', 'b')).toMatchInlineSnapshot(`0.15124690835414029`);
    expect(hashUniform(0, '', 'req-0', 'outcome')).toMatchInlineSnapshot(`0.38934334714367674`);
  });

  it('separates parts unambiguously', () => {
    expect(hashUniform('ab', 'c')).not.toBe(hashUniform('a', 'bc'));
    expect(hashUniform(1)).not.toBe(hashUniform('1'));
  });

  it('is uniform on (0, 1): decile counts of 10,000 draws pass a chi-square test', () => {
    const draws = Array.from({ length: 10_000 }, (_, i) => hashUniform('uniformity', i));
    expect(draws.filter((u) => !(u > 0 && u < 1))).toEqual([]);
    const counts = new Array<number>(10).fill(0);
    for (const u of draws) counts[Math.floor(u * 10)]! += 1;
    const chiSquare = counts.reduce((a, c) => a + (c - 1000) ** 2 / 1000, 0);
    // 99.9th percentile of chi-square with 9 degrees of freedom.
    expect(chiSquare).toBeLessThan(27.88);
  });
});
