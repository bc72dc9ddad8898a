import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from './json-depth.js';

const nested = (levels: number): unknown =>
  JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

describe('jsonDepthExceeds', () => {
  it.each([
    [1, 0, false],
    [{}, 1, false],
    [{}, 0, true],
    [{ a: [1, { b: 'x' }] }, 3, false],
    [{ a: [1, { b: 'x' }] }, 2, true],
    [nested(64), 64, false],
    [nested(65), 64, true],
  ])('%j within %i levels: exceeds = %s', (value, limit, exceeds) => {
    expect(jsonDepthExceeds(value, limit)).toBe(exceeds);
  });

  it('measures a value nested far deeper than the call stack allows, without recursing', () => {
    const deep = nested(200_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(jsonDepthExceeds(deep, 64)).toBe(true);
  });
});
