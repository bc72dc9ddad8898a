/**
 * Scores a prediction's class probabilities against its label with the two proper scoring rules
 * the evaluation carries (lower is better for both):
 *
 * - Log-loss −ln p(label), p being the probability the prediction gave the label's class (0 when
 *   the label is not one of its classes), clipped below at {@link LOG_LOSS_CLIP}: one confident
 *   miss then costs at most ln 10⁴ ≈ 9.21 instead of infinity, so a mean over a bucket stays
 *   finite and a single wrong label cannot dominate it (the clipping scikit-learn's `log_loss`
 *   applies with its `eps`).
 * - Multi-class Brier score Σ_k (p_k − [k = label])² over the prediction's classes, plus 1 when
 *   the label is not one of them (its probability is 0): Brier (1950), "Verification of forecasts
 *   expressed in terms of probability", Monthly Weather Review 78(1). In [0, 2].
 *
 * Only classes carry probabilities: a call that failed, a prediction without probabilities and a
 * numeric label that is not one of the classes (a regression label: the error is `absError`) get
 * neither score. A numeric label that is a class ("0"/"1" of a binary model) is scored.
 */
import { PredictionStatus } from '@kanary/contracts';
import { numericValue, sameText, type StoredText } from './stored-text.js';

/** The least probability log-loss takes for the label's class: at most −ln 1e-4 ≈ 9.21. */
export const LOG_LOSS_CLIP = 1e-4;

/** Class probabilities of a prediction, by class. */
export type ClassScores = Readonly<Record<string, number>>;

export interface ProbabilityScores {
  readonly logLoss: number;
  readonly brier: number;
}

/** Whether class `key` is the label (through the digest when the label was reduced). */
const isLabel = (key: string, label: StoredText): boolean =>
  typeof label === 'string' ? key === label : sameText(key, label);

/**
 * Log-loss and Brier score of `scores` against `label`, or null when the label is numeric and
 * not one of the classes.
 */
export function scoreProbabilities(
  scores: ClassScores,
  label: StoredText,
): ProbabilityScores | null {
  let brier = 0;
  let labelProbability: number | undefined;
  for (const key of Object.keys(scores)) {
    const p = scores[key] as number;
    if (labelProbability === undefined && isLabel(key, label)) {
      labelProbability = p;
      brier += (1 - p) * (1 - p);
    } else {
      brier += p * p;
    }
  }
  if (labelProbability === undefined) {
    if (numericValue(label) !== null) return null;
    brier += 1;
  }
  // 0 − ln p rather than −ln p: a certain right answer costs 0, not −0.
  return { logLoss: 0 - Math.log(Math.max(labelProbability ?? 0, LOG_LOSS_CLIP)), brier };
}

/** The scores of an evaluation: null for a failed call or a prediction without probabilities. */
export function evaluationScores(
  status: PredictionStatus,
  output: StoredText | null,
  scores: ClassScores | null,
  label: StoredText,
): ProbabilityScores | null {
  if (status !== PredictionStatus.OK || output === null || scores === null) return null;
  return scoreProbabilities(scores, label);
}
