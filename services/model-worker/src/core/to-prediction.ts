import type { Prediction, RoutedRequest } from '@kanary/contracts';
import type { CallOutcome } from './call-outcome.js';

/**
 * The Prediction record for a routed request and the outcome of its backend call. Rollout,
 * variant, role, served and segment are copied from the routed request, so the evaluator can
 * attribute the prediction without looking anything up; output, score and the class
 * probabilities (scores) come from the outcome.
 */
export function toPrediction(
  request: RoutedRequest,
  outcome: CallOutcome,
  completedAt: number,
): Prediction {
  return {
    requestId: request.requestId,
    model: request.model,
    rolloutId: request.rolloutId,
    variant: request.variant,
    role: request.role,
    served: request.served,
    output: outcome.output,
    score: outcome.score,
    scores: outcome.scores,
    segment: request.segment,
    latencyMs: outcome.latencyMs,
    status: outcome.status,
    error: outcome.error,
    timestamp: completedAt,
  };
}
