/**
 * Why a command was refused. Checked in this order, so a command that breaks several rules
 * reports the first: INVALID_COMMAND, MODEL_MISMATCH, (duplicate), ROLLOUT_MISMATCH /
 * ROLLOUT_FINISHED (identity), the transition table's code, ISSUER_NOT_ALLOWED, STALE_SEQ,
 * VARIANT_MISMATCH / CANDIDATE_REQUIRED / CANDIDATE_ENDED, WEIGHT_UNCHANGED /
 * WEIGHT_DECREASE_NOT_ALLOWED / WEIGHT_ABOVE_SLICE / ALREADY_APPROVED.
 */
export const RejectionCode = {
  /** The command fails {@link rolloutCommandSchema} (empty id, weight outside [0, 1], …). */
  INVALID_COMMAND: 'INVALID_COMMAND',
  /** The command names another model than the state it was applied to (a routing bug). */
  MODEL_MISMATCH: 'MODEL_MISMATCH',
  /** The model has no rollout yet; only START is possible. */
  NO_ROLLOUT: 'NO_ROLLOUT',
  /** The command is for another rollout than the model's current one. */
  ROLLOUT_MISMATCH: 'ROLLOUT_MISMATCH',
  /** A START while the model's rollout is live (SHADOW, CANARY or PAUSED). */
  ROLLOUT_IN_PROGRESS: 'ROLLOUT_IN_PROGRESS',
  /** The rollout is PROMOTED or ROLLED_BACK; only a START with a new rolloutId is possible. */
  ROLLOUT_FINISHED: 'ROLLOUT_FINISHED',
  /** The action makes no sense in the current phase (RESUME when not paused, PAUSE twice). */
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  /** The action is legal in this phase, but only for an OPERATOR. */
  ISSUER_NOT_ALLOWED: 'ISSUER_NOT_ALLOWED',
  /** `basedOnSeq` is not the current seq: the issuer acted on an outdated state. */
  STALE_SEQ: 'STALE_SEQ',
  /** The command names other stable/canary variants than the rollout it targets. */
  VARIANT_MISMATCH: 'VARIANT_MISMATCH',
  /** SET_WEIGHT to the weight already in force. */
  WEIGHT_UNCHANGED: 'WEIGHT_UNCHANGED',
  /** SET_WEIGHT lowering the weight, issued by DECISION (only an OPERATOR may lower it). */
  WEIGHT_DECREASE_NOT_ALLOWED: 'WEIGHT_DECREASE_NOT_ALLOWED',
  /** APPROVE of a step that is already approved (the first approver stays on record). */
  ALREADY_APPROVED: 'ALREADY_APPROVED',
  /** A SET_WEIGHT or PROMOTE of an A/B/n rollout that names no candidate. */
  CANDIDATE_REQUIRED: 'CANDIDATE_REQUIRED',
  /** A command about a candidate that is no longer LIVE (rolled back, promoted, ended). */
  CANDIDATE_ENDED: 'CANDIDATE_ENDED',
  /** SET_WEIGHT of a candidate above its slice of the assignment buckets. */
  WEIGHT_ABOVE_SLICE: 'WEIGHT_ABOVE_SLICE',
} as const;
export type RejectionCode = (typeof RejectionCode)[keyof typeof RejectionCode];

/** A refused command's reason: a stable code for machines and a sentence for people. */
export interface Rejection {
  code: RejectionCode;
  message: string;
}
