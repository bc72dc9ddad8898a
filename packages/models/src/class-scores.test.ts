import { describe, expect, it } from 'vitest';
import { classScores, mostLikelyClass } from './class-scores.js';

const CLASSES = ['rain', 'sun', 'fog'];

describe('classScores', () => {
  it.each<[string, unknown[], Record<string, number>]>([
    ['keeps probabilities that sum to 1', [0.2, 0.5, 0.3], { rain: 0.2, sun: 0.5, fog: 0.3 }],
    ['keeps a certain class', [0, 1, 0], { rain: 0, sun: 1, fog: 0 }],
    [
      'normalises FP32 rounding to an exact 1',
      [0.2, 0.5, 0.2999],
      { rain: 0.2 / 0.9999, sun: 0.5 / 0.9999, fog: 0.2999 / 0.9999 },
    ],
  ])('%s', (_name, values, expected) => {
    const scored = classScores(CLASSES, values, 'p');
    expect(scored).toEqual({ ok: true, scores: expected });
    const sum = Object.values(scored.ok ? scored.scores : {}).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 12);
  });

  it.each<[string, unknown[], string]>([
    ['too few values', [0.5, 0.5], 'p has 2 probabilities for 3 classes'],
    ['too many values', [0.2, 0.2, 0.2, 0.4], 'p has 4 probabilities for 3 classes'],
    [
      'a negative value',
      [-0.1, 0.6, 0.5],
      'p: the probability of rain is -0.1, not a number in [0, 1]',
    ],
    ['a value above 1', [0, 1.5, -0.5], 'p: the probability of sun is 1.5, not a number in [0, 1]'],
    ['a string', [0.2, '0.5', 0.3], 'p: the probability of sun is "0.5", not a number in [0, 1]'],
    ['NaN', [0.2, Number.NaN, 0.3], 'p: the probability of sun is NaN, not a number in [0, 1]'],
    ['logits', [0.9, 0.8, 0.7], 'p sums to 2.4000000000000004, not 1: they are not probabilities'],
    ['a sum short of 1', [0.2, 0.2, 0.2], 'p sums to 0.6000000000000001, not 1'],
  ])('rejects %s', (_name, values, error) => {
    const scored = classScores(CLASSES, values, 'p');
    expect(scored.ok).toBe(false);
    expect(!scored.ok && scored.error).toContain(error);
  });

  it('keeps a class named like an Object.prototype member as a class', () => {
    const scored = classScores(['__proto__', 'constructor'], [0.25, 0.75], 'p');
    expect(scored.ok && Object.keys(scored.scores)).toEqual(['__proto__', 'constructor']);
    expect(scored.ok && scored.scores['__proto__']).toBe(0.25);
  });
});

describe('mostLikelyClass', () => {
  it.each<[Record<string, number>, string | undefined]>([
    [{ rain: 0.2, sun: 0.5, fog: 0.3 }, 'sun'],
    [{ rain: 0.5, sun: 0.5 }, 'rain'],
    [{}, undefined],
  ])('of %j is %s', (scores, expected) => {
    expect(mostLikelyClass(scores)).toBe(expected);
  });
});
