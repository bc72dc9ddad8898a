import { IssuedBy, type RolloutAction, RolloutPhase } from '@kanary/contracts';
import { RejectionCode } from './rejection.js';

/** Row key for a model that has never had a rollout (no state yet). */
export const NO_ROLLOUT = 'NONE';
export type TransitionSource = RolloutPhase | typeof NO_ROLLOUT;

/**
 * Where an allowed transition leads: a phase, `'PAUSED_FROM'` (RESUME returns to the phase the
 * rollout was paused from) or `'START_MODE'` (START enters SHADOW or CANARY by its weight).
 */
export type TransitionTarget = RolloutPhase | 'PAUSED_FROM' | 'START_MODE';

/** One cell of the table: the action is allowed (for these issuers) or refused with a code. */
export type TransitionCell =
  | { readonly allowed: true; readonly to: TransitionTarget; readonly issuers: readonly IssuedBy[] }
  | { readonly allowed: false; readonly code: RejectionCode };

const ANYONE = [IssuedBy.DECISION, IssuedBy.OPERATOR] as const;
const OPERATOR_ONLY = [IssuedBy.OPERATOR] as const;

const to = (target: TransitionTarget, issuers: readonly IssuedBy[]): TransitionCell => ({
  allowed: true,
  to: target,
  issuers,
});
const refuse = (code: RejectionCode): TransitionCell => ({ allowed: false, code });

const finished = {
  START: to('START_MODE', OPERATOR_ONLY),
  SET_WEIGHT: refuse(RejectionCode.ROLLOUT_FINISHED),
  PAUSE: refuse(RejectionCode.ROLLOUT_FINISHED),
  RESUME: refuse(RejectionCode.ROLLOUT_FINISHED),
  PROMOTE: refuse(RejectionCode.ROLLOUT_FINISHED),
  ROLLBACK: refuse(RejectionCode.ROLLOUT_FINISHED),
  APPROVE: refuse(RejectionCode.ROLLOUT_FINISHED),
} as const;

/**
 * Every (phase × action) pair of the rollout state machine, as data. Decisions made here:
 *
 * - START is an operator action (the decision service advances rollouts, it does not begin
 *   them) and needs no live rollout.
 * - SET_WEIGHT from SHADOW enters CANARY. While PAUSED only an operator may change the weight
 *   (e.g. to dial an incident down); the rollout stays PAUSED.
 * - PROMOTE straight from SHADOW or from PAUSED is an operator override (like Argo Rollouts'
 *   `promote --full`); the decision service promotes only from CANARY.
 * - ROLLBACK is allowed to anyone in every live phase, PAUSED included: it only removes
 *   exposure, and a guardrail should still be able to pull a harmful canary that a person
 *   paused (Argo Rollouts' background analysis likewise aborts a paused rollout).
 * - Only an operator resumes: a pause by the policy signals a data-quality alarm that a person
 *   should look at, as Argo Rollouts pauses on an inconclusive analysis.
 * - APPROVE records an approval of the current step (a policy may require one before ADVANCE
 *   or PROMOTE) and leaves the phase and the routing as they are. Anyone may approve a live
 *   rollout: an operator (CLI, console) or the decision service, on a confirm webhook's 2xx;
 *   while PAUSED only an operator, as for every other change.
 */
export const TRANSITIONS: {
  readonly [S in TransitionSource]: { readonly [A in RolloutAction]: TransitionCell };
} = {
  [NO_ROLLOUT]: {
    START: to('START_MODE', OPERATOR_ONLY),
    SET_WEIGHT: refuse(RejectionCode.NO_ROLLOUT),
    PAUSE: refuse(RejectionCode.NO_ROLLOUT),
    RESUME: refuse(RejectionCode.NO_ROLLOUT),
    PROMOTE: refuse(RejectionCode.NO_ROLLOUT),
    ROLLBACK: refuse(RejectionCode.NO_ROLLOUT),
    APPROVE: refuse(RejectionCode.NO_ROLLOUT),
  },
  SHADOW: {
    START: refuse(RejectionCode.ROLLOUT_IN_PROGRESS),
    SET_WEIGHT: to(RolloutPhase.CANARY, ANYONE),
    PAUSE: to(RolloutPhase.PAUSED, ANYONE),
    RESUME: refuse(RejectionCode.ILLEGAL_TRANSITION),
    PROMOTE: to(RolloutPhase.PROMOTED, OPERATOR_ONLY),
    ROLLBACK: to(RolloutPhase.ROLLED_BACK, ANYONE),
    APPROVE: to(RolloutPhase.SHADOW, ANYONE),
  },
  CANARY: {
    START: refuse(RejectionCode.ROLLOUT_IN_PROGRESS),
    SET_WEIGHT: to(RolloutPhase.CANARY, ANYONE),
    PAUSE: to(RolloutPhase.PAUSED, ANYONE),
    RESUME: refuse(RejectionCode.ILLEGAL_TRANSITION),
    PROMOTE: to(RolloutPhase.PROMOTED, ANYONE),
    ROLLBACK: to(RolloutPhase.ROLLED_BACK, ANYONE),
    APPROVE: to(RolloutPhase.CANARY, ANYONE),
  },
  PAUSED: {
    START: refuse(RejectionCode.ROLLOUT_IN_PROGRESS),
    SET_WEIGHT: to(RolloutPhase.PAUSED, OPERATOR_ONLY),
    PAUSE: refuse(RejectionCode.ILLEGAL_TRANSITION),
    RESUME: to('PAUSED_FROM', OPERATOR_ONLY),
    PROMOTE: to(RolloutPhase.PROMOTED, OPERATOR_ONLY),
    ROLLBACK: to(RolloutPhase.ROLLED_BACK, ANYONE),
    APPROVE: to(RolloutPhase.PAUSED, OPERATOR_ONLY),
  },
  PROMOTED: finished,
  ROLLED_BACK: finished,
};
