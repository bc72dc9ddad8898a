import { describe, expect, it } from 'vitest';
import { parseDefaultVariants } from './default-variants.js';

describe('parseDefaultVariants', () => {
  it.each([
    { text: '', expected: {} },
    { text: 'weather=weather-logreg-v1', expected: { weather: 'weather-logreg-v1' } },
    { text: ' weather = w1 , other=v1,', expected: { weather: 'w1', other: 'v1' } },
  ])('parses "$text"', ({ text, expected }) => {
    expect(parseDefaultVariants(text)).toEqual({ ok: true, variants: expected });
  });

  it.each([
    { text: 'weather', problem: '"weather" is not model=variant' },
    { text: 'weather=', problem: '"weather=" is not model=variant' },
    { text: 'a=b=c', problem: '"a=b=c" is not model=variant' },
    { text: 'a=1,a=2', problem: 'model "a" is listed twice' },
  ])('refuses "$text"', ({ text, problem }) => {
    expect(parseDefaultVariants(text)).toEqual({ ok: false, problems: [problem] });
  });
});
