/**
 * What the evidence of one rollout is folded with, read from its applied state: when it started
 * (earlier observations are not counted), its label maturity window (later labels count as late)
 * and the bucket width that follows from it. The policy is the one the decision service applies:
 * the rollout's own (from its START) over the installation's default policy.
 */
import type { RolloutState } from '@kanary/contracts';
import { PolicyError, parsePolicy, type PolicyInput } from '@kanary/rollout';
import { bucketWidthMs } from './bucket-width.js';

export interface RolloutTerms {
  readonly rolloutId: string;
  readonly model: string;
  /** Epoch ms; observations before it are not counted. */
  readonly startedAt: number;
  readonly maturityMs: number;
  readonly bucketMs: number;
  /**
   * The state's seq: assignment units are counted afresh whenever it changes (a new step, a
   * weight change, a pause or resume), as the sample-ratio check's window restarts then.
   */
  readonly epoch: number;
}

/**
 * The terms of the rollout in `state`. A policy that does not parse is judged by the decision
 * service with the default policy alone (and paused): the same fallback here keeps the counts
 * consistent with it.
 */
export function rolloutTerms(state: RolloutState, defaultPolicy?: PolicyInput): RolloutTerms {
  let maturityMs: number;
  try {
    maturityMs = parsePolicy(state.policy, defaultPolicy).labelMaturityMs;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    maturityMs = parsePolicy(null, defaultPolicy).labelMaturityMs;
  }
  return Object.freeze({
    rolloutId: state.rolloutId,
    model: state.model,
    startedAt: state.startedAt,
    maturityMs,
    bucketMs: bucketWidthMs(maturityMs),
    epoch: state.seq,
  });
}
