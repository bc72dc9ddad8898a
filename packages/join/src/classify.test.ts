import { describe, expect, it } from 'vitest';
import type { PredictionStatus } from '@kanary/contracts';
import { classify } from './classify.js';
import { parseNumericText, storeText } from './stored-text.js';

type Row = [
  name: string,
  status: PredictionStatus,
  output: string | null,
  label: string,
  tolerance: number,
  correct: boolean,
  absError: number | null,
];

const ROWS: Row[] = [
  ['class, equal', 'OK', 'fraud', 'fraud', 0, true, null],
  ['class, different', 'OK', 'legit', 'fraud', 0, false, null],
  ['class, case differs', 'OK', 'Fraud', 'fraud', 0, false, null],
  ['class, whitespace differs', 'OK', 'fraud ', 'fraud', 0, false, null],
  ['numeric, same value other text', 'OK', '3.0', '3', 0, true, 0],
  ['numeric, within tolerance', 'OK', '3.25', '3', 0.5, true, 0.25],
  ['numeric, on the tolerance', 'OK', '3.5', '3', 0.5, true, 0.5],
  ['numeric, outside tolerance', 'OK', '4', '3', 0.5, false, 1],
  ['numeric, negative and exponent', 'OK', '-1.5e1', '-14', 1, true, 1],
  ['numeric label, text output', 'OK', 'three', '3', 10, false, null],
  ['text label, numeric output', 'OK', '3', 'three', 10, false, null],
  ['hex is not numeric', 'OK', '0x1A', '26', 100, false, null],
  ['overflowing number compares as text', 'OK', '1e400', '1e400', 0, true, null],
  ['ERROR even with the right output', 'ERROR', 'fraud', 'fraud', 0, false, null],
  ['TIMEOUT on a numeric label', 'TIMEOUT', '3', '3', 1, false, null],
  ['OK without output', 'OK', null, 'fraud', 0, false, null],
];

describe('classify', () => {
  it.each(ROWS)('%s', (_name, status, output, label, tolerance, correct, absError) => {
    const result = classify(status, output, label, tolerance);
    expect(result.correct).toBe(correct);
    if (absError === null) expect(result.absError).toBeNull();
    else expect(result.absError).toBeCloseTo(absError, 12);
  });

  it('compares reduced (long) texts through their digest and keeps their numeric value', () => {
    const long = 'x'.repeat(300);
    const max = 128;
    expect(classify('OK', storeText(long, max), storeText(long, max), 0).correct).toBe(true);
    expect(classify('OK', storeText(long, max), long, 0).correct).toBe(true);
    const other = 'x'.repeat(299) + 'y';
    expect(classify('OK', storeText(other, max), long, 0).correct).toBe(false);
    const longNumber = '1.' + '0'.repeat(200);
    const result = classify('OK', storeText(longNumber, max), '1.25', 0.5);
    expect(result).toEqual({ correct: true, absError: 0.25 });
  });

  it('reads only finite decimal numbers as numeric text', () => {
    expect(parseNumericText(' 42 ')).toBe(42);
    expect(parseNumericText('.5')).toBe(0.5);
    expect(parseNumericText('')).toBeNull();
    expect(parseNumericText('Infinity')).toBeNull();
    expect(parseNumericText('1,5')).toBeNull();
  });
});
