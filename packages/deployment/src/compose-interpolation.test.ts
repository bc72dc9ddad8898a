import { describe, expect, it } from 'vitest';
import { interpolate } from './compose-interpolation.js';

describe('interpolate', () => {
  it.each([
    ['${A}', { A: 'x' }, 'x'],
    ['${A}', {}, ''],
    ['${A:-d}', {}, 'd'],
    ['${A:-d}', { A: '' }, 'd'],
    ['${A-d}', { A: '' }, ''],
    ['${A:-d}', { A: 'x' }, 'x'],
    ['a$$b ${A:-x y}', {}, 'a$b x y'],
    ['plain', {}, 'plain'],
  ])('%s with %j → %s', (value, env, expected) => {
    expect(interpolate(value, env)).toBe(expected);
  });

  it('refuses forms it does not evaluate', () => {
    expect(() => interpolate('${A:?required}', {})).toThrow(/unsupported interpolation/);
  });
});
