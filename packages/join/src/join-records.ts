/** Builders of the records the join emits, from what it holds. */
import type { Evaluation, GroundTruthLabel, Prediction } from '@kanary/contracts';
import type { Classification } from './classify.js';
import type { ExpiryReason } from './expiry-reason.js';
import type { HeldLabel, PendingPrediction } from './join-entry.js';
import { evaluationScores } from './probability-scores.js';
import type {
  ExpiredLabel,
  ExpiredPrediction,
  IgnoredRecord,
  IgnoreReason,
} from './processor-output.js';

/**
 * The evaluation of a prediction against its label: the classification, the scores of its class
 * probabilities (probability-scores.ts), its segment and the label's outcomes.
 */
export function evaluationRecord(
  requestId: string,
  p: PendingPrediction,
  held: HeldLabel,
  result: Classification,
): Evaluation {
  const scored = evaluationScores(p.status, p.output, p.scores, held.label);
  return {
    requestId,
    model: p.model,
    rolloutId: p.rolloutId,
    variant: p.variant,
    role: p.role,
    served: p.served,
    correct: result.correct,
    absError: result.absError,
    logLoss: scored === null ? null : scored.logLoss,
    brier: scored === null ? null : scored.brier,
    latencyMs: p.latencyMs,
    status: p.status,
    predictedAt: p.predictedAt,
    labeledAt: held.labeledAt,
    segment: p.segment,
    outcomes: held.outcomes,
  };
}

export function expiredPredictionRecord(
  requestId: string,
  p: PendingPrediction,
  reason: ExpiryReason,
  at: number,
): ExpiredPrediction {
  const { model, rolloutId, variant, role, served, predictedAt } = p;
  return {
    kind: 'prediction',
    reason,
    requestId,
    model,
    rolloutId,
    variant,
    role,
    served,
    predictedAt,
    at,
  };
}

export function expiredLabelRecord(
  requestId: string,
  held: HeldLabel,
  reason: ExpiryReason,
  at: number,
): ExpiredLabel {
  const { model, labeledAt, matched } = held;
  return { kind: 'label', reason, requestId, model, labeledAt, matched, at };
}

export function ignoredRecord(
  record: Prediction | GroundTruthLabel,
  reason: IgnoreReason,
): IgnoredRecord {
  const isPrediction = 'variant' in record;
  return {
    kind: isPrediction ? 'prediction' : 'label',
    reason,
    requestId: record.requestId,
    model: record.model,
    variant: isPrediction ? record.variant : null,
  };
}
