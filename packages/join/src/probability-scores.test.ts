import { describe, expect, it } from 'vitest';
import {
  LOG_LOSS_CLIP,
  evaluationScores,
  scoreProbabilities,
  type ClassScores,
} from './probability-scores.js';
import { storeText } from './stored-text.js';

const THREE: ClassScores = { a: 0.7, b: 0.2, c: 0.1 };
/** −ln 1e-4: the most one evaluation's log-loss can be. */
const CLIPPED = 9.210340371976182;

describe('scoreProbabilities', () => {
  // Hand-computed: log-loss −ln p(label); Brier Σ_k (p_k − [k = label])², + 1 for a label that is
  // not a class.
  it.each<[string, ClassScores, string, number, number]>([
    ['the most likely class', THREE, 'a', 0.35667494393873245, 0.09 + 0.04 + 0.01],
    ['a less likely class', THREE, 'b', 1.6094379124341003, 0.49 + 0.64 + 0.01],
    ['the least likely class', THREE, 'c', 2.302585092994046, 0.49 + 0.04 + 0.81],
    ['a label that is no class: p = 0, clipped', THREE, 'z', CLIPPED, 0.49 + 0.04 + 0.01 + 1],
    ['a certain right answer', { yes: 1, no: 0 }, 'yes', 0, 0],
    ['a certain wrong answer', { yes: 1, no: 0 }, 'no', CLIPPED, 2],
    [
      'a label probability below the clip',
      { a: 0.99995, b: 0.00005 },
      'b',
      CLIPPED,
      2 * 0.99995 ** 2,
    ],
    ['numeric classes of a binary model', { '0': 0.8, '1': 0.2 }, '1', 1.6094379124341003, 1.28],
  ])('scores %s', (_name, scores, label, logLoss, brier) => {
    const scored = scoreProbabilities(scores, label);
    expect(scored?.logLoss).toBeCloseTo(logLoss, 12);
    expect(scored?.brier).toBeCloseTo(brier, 12);
  });

  it('gives a certain right answer a log-loss of +0, not −0', () => {
    expect(Object.is(scoreProbabilities({ yes: 1 }, 'yes')?.logLoss, 0)).toBe(true);
  });

  it('clips at 1e-4', () => {
    expect(LOG_LOSS_CLIP).toBe(1e-4);
    expect(scoreProbabilities({ a: 1 }, 'b')?.logLoss).toBe(-Math.log(LOG_LOSS_CLIP));
  });

  it('does not score a numeric label that is no class (regression)', () => {
    expect(scoreProbabilities(THREE, '3.5')).toBeNull();
    expect(scoreProbabilities({ '0': 0.5, '1': 0.5 }, '2')).toBeNull();
  });

  it('finds the class of a label held as a digest', () => {
    const long = `class-${'x'.repeat(200)}`;
    const scored = scoreProbabilities({ [long]: 0.5, other: 0.5 }, storeText(long, 16));
    expect(scored?.logLoss).toBeCloseTo(Math.LN2, 12);
    expect(scored?.brier).toBeCloseTo(0.5, 12);
  });

  it('takes only the scores’ own classes', () => {
    expect(scoreProbabilities({ a: 1 }, 'constructor')).toEqual({ logLoss: CLIPPED, brier: 2 });
  });
});

describe('evaluationScores', () => {
  it.each([
    ['a failed call', 'ERROR', null, THREE],
    ['a timeout with an output', 'TIMEOUT', 'a', THREE],
    ['a prediction without probabilities', 'OK', 'a', null],
  ] as const)('gives nothing for %s', (_name, status, output, scores) => {
    expect(evaluationScores(status, output, scores, 'a')).toBeNull();
  });

  it('scores an OK prediction with probabilities, whatever its output', () => {
    expect(evaluationScores('OK', 'b', THREE, 'a')).toEqual(scoreProbabilities(THREE, 'a'));
  });
});
