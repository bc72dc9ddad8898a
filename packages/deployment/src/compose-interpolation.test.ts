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

  it('stops where a required variable is missing, with its message, as compose does', () => {
    expect(interpolate('${A:?set A}', { A: 'x' })).toBe('x');
    expect(interpolate('${A?set A}', { A: '' })).toBe('');
    expect(() => interpolate('${A:?set A}', {})).toThrow(/^A: set A$/);
    expect(() => interpolate('${A:?set A}', { A: '' })).toThrow(/^A: set A$/);
    expect(() => interpolate('${A?set A}', {})).toThrow(/^A: set A$/);
  });

  it('refuses forms it does not evaluate', () => {
    expect(() => interpolate('${A:+alternative}', {})).toThrow(/unsupported interpolation/);
  });
});
