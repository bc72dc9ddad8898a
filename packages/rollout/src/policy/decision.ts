import type { DecisionAction, MetricEvidence } from '@kanary/contracts';

/** Why a decision was made, machine-readable (the report's `reason` says it in words). */
export const DecisionCode = {
  /** Every gate passed and the step has its samples: ADVANCE or PROMOTE. */
  ALL_PASSED: 'ALL_PASSED',
  /** Shadow outputs agree closely enough to prove non-inferiority without labels: ADVANCE. */
  SHADOW_AGREEMENT: 'SHADOW_AGREEMENT',
  /** A guardrail (accuracy, error rate, latency) is proven violated: ROLLBACK. */
  GUARDRAIL_FAILED: 'GUARDRAIL_FAILED',
  /** Sample-ratio mismatch or unequal label coverage: PAUSE. */
  DATA_QUALITY: 'DATA_QUALITY',
  /** The step outlived maxStepDurationMs: the policy's onStepTimeout. */
  STEP_TIMEOUT: 'STEP_TIMEOUT',
  /** Some gate is still inconclusive: HOLD. */
  NOT_ENOUGH_DATA: 'NOT_ENOUGH_DATA',
  /** The rollout is paused or over; nothing to judge: HOLD. */
  NOT_LIVE: 'NOT_LIVE',
  /** The rollout's policy cannot be used: PAUSE. */
  POLICY_INVALID: 'POLICY_INVALID',
  /** The router rejected the command issued for this state; waiting for the state to change: HOLD. */
  COMMAND_REJECTED: 'COMMAND_REJECTED',
  /** A source partition has published no evidence yet, so no bucket is known complete: HOLD. */
  EVIDENCE_INCOMPLETE: 'EVIDENCE_INCOMPLETE',
  /** A source partition's evidence lags the clock by more than allowed; no ADVANCE/PROMOTE: HOLD. */
  EVIDENCE_BEHIND: 'EVIDENCE_BEHIND',
  /** Evidence was folded with another label maturity window than the rollout's policy: HOLD. */
  EVIDENCE_MISMATCH: 'EVIDENCE_MISMATCH',
  /** The evidence allows an ADVANCE or PROMOTE, but the policy wants an approval first: HOLD. */
  AWAITING_APPROVAL: 'AWAITING_APPROVAL',
  /**
   * A/B/n: this candidate is ready to PROMOTE, but other live candidates are still in their
   * steps; the best is chosen once all are ready (or rolled back): HOLD.
   */
  AWAITING_CANDIDATES: 'AWAITING_CANDIDATES',
} as const;
export type DecisionCode = (typeof DecisionCode)[keyof typeof DecisionCode];

/** The outcome of one evaluation of the policy: exactly one action, with its evidence. */
export interface Decision {
  readonly action: DecisionAction;
  readonly code: DecisionCode;
  /** Plain words: what was decided and which evidence decided it. */
  readonly reason: string;
  /** One entry per metric, in a fixed order. */
  readonly evidence: readonly MetricEvidence[];
  /** ADVANCE only: the step to move to. */
  readonly target: { readonly stepIndex: number; readonly canaryWeight: number } | null;
  /** AWAITING_APPROVAL only: the ADVANCE or PROMOTE that waits. @default null */
  readonly awaitingApproval?: DecisionAction | null;
  /** An ADVANCE or PROMOTE that needed an approval: who gave it. @default null */
  readonly approvedBy?: string | null;
}
