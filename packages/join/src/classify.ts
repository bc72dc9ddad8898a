/**
 * Scores one prediction against its label. Rules, in order:
 * 1. A failed call (status ERROR or TIMEOUT) or a missing output is wrong and has no error
 *    size: it still yields an evaluation, so error rates are visible per labelled request.
 * 2. Numeric label: when the label and the output are both finite decimal numbers,
 *    absError = |output − label| and the prediction is correct when absError ≤ tolerance.
 * 3. Otherwise the output must equal the label exactly (case- and whitespace-sensitive).
 */
import { PredictionStatus } from '@kanary/contracts';
import { numericValue, sameText, type StoredText } from './stored-text.js';

export interface Classification {
  readonly correct: boolean;
  /** |output − label| for numeric labels; null for classes and failed calls. */
  readonly absError: number | null;
}

const FAILED: Classification = { correct: false, absError: null };

export function classify(
  status: PredictionStatus,
  output: StoredText | null,
  label: StoredText,
  numericTolerance: number,
): Classification {
  if (status !== PredictionStatus.OK || output === null) return FAILED;
  const labelValue = numericValue(label);
  const outputValue = labelValue === null ? null : numericValue(output);
  if (labelValue !== null && outputValue !== null) {
    const absError = Math.abs(outputValue - labelValue);
    return { correct: absError <= numericTolerance, absError };
  }
  return { correct: sameText(output, label), absError: null };
}
