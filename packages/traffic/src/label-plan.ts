import { hashUniform } from '@kanary/models';
import { delayAt, type DelayDistribution } from './delay-distribution.js';

export interface LabelPlan {
  /** Seed of the per-request draws (which requests stay unlabelled, each label's delay). */
  readonly seed: number;
  /** Delay of every label, or of labels of right served predictions when `wrongDelay` is set. */
  readonly delay: DelayDistribution;
  /**
   * Delay of labels whose served prediction was wrong (or failed). Setting it makes the delay
   * depend on the outcome, as when complaints about wrong answers come back sooner than
   * confirmations of right ones; the feeder then waits for each request's served prediction.
   */
  readonly wrongDelay?: DelayDistribution | undefined;
  /** Fraction of requests that never get a label, in [0, 1]. */
  readonly unlabelledFraction: number;
}

/**
 * Whether a request stays unlabelled. Keyed by (seed, requestId), so a replayed run leaves the
 * same requests unlabelled.
 */
export const isUnlabelled = (plan: LabelPlan, requestId: string): boolean =>
  plan.unlabelledFraction > 0 &&
  hashUniform(plan.seed, 'unlabelled', requestId) < plan.unlabelledFraction;

/**
 * The label's delay in milliseconds. `correct` is the served prediction's outcome, when the
 * plan's delay depends on it; without it the plain delay applies.
 */
export function labelDelay(plan: LabelPlan, requestId: string, correct?: boolean): number {
  const distribution = correct === false && plan.wrongDelay ? plan.wrongDelay : plan.delay;
  return delayAt(distribution, hashUniform(plan.seed, 'label-delay', requestId));
}

/** Whether labels must wait for the served prediction to know their delay. */
export const dependsOnOutcome = (plan: LabelPlan): boolean => plan.wrongDelay !== undefined;
