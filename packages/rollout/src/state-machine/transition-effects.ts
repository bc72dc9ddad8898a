import { IssuedBy, RolloutAction, RolloutPhase } from '@kanary/contracts';
import { RejectionCode, type Rejection } from './rejection.js';
import type { RolloutCommand } from './rollout-command.js';
import type { RolloutState } from './rollout-state.js';
import type { TransitionTarget } from './transition-table.js';
import {
  hasCandidates,
  promoteCandidate,
  rollbackCandidates,
  setCandidateWeight,
  startCandidates,
  summaryFields,
} from './candidates.js';

/** The part of a state an action decides; seq, updatedAt and the command log are added after. */
export type StateFields = Omit<
  RolloutState,
  'seq' | 'updatedAt' | 'recentCommandIds' | 'lastCommand'
>;

/**
 * Applies an action other than START to a live rollout; `phase` is where the transition table
 * says it leads, so the effects only decide the other fields.
 */
type LiveEffect = (
  state: RolloutState,
  command: RolloutCommand,
  phase: RolloutPhase,
  now: number,
) => StateFields | Rejection;

/**
 * Resolves a table target to a phase. START asks for shadow mode with no weight or weight 0
 * (nobody served by the canary); RESUME returns to the phase recorded at PAUSE.
 */
export function resolveTarget(
  target: TransitionTarget,
  state: RolloutState | undefined,
  command: RolloutCommand,
): RolloutPhase {
  if (target === 'START_MODE') {
    const shadow = command.canaryWeight === null || command.canaryWeight === 0;
    return shadow ? RolloutPhase.SHADOW : RolloutPhase.CANARY;
  }
  if (target === 'PAUSED_FROM') return state?.pausedFrom ?? RolloutPhase.CANARY;
  return target;
}

/** The state a START begins, in the phase {@link resolveTarget} chose. */
export function startFields(
  command: RolloutCommand,
  phase: RolloutPhase,
  now: number,
): StateFields {
  const shadow = phase === RolloutPhase.SHADOW;
  const candidates = startCandidates(command, now);
  return {
    model: command.model,
    rolloutId: command.rolloutId,
    phase,
    pausedFrom: null,
    stable: command.stable,
    canary: command.canary,
    shadows: [...command.shadows],
    canaryWeight: shadow ? 0 : (command.canaryWeight ?? 0),
    stepIndex: shadow ? -1 : (command.stepIndex ?? 0),
    policy: command.policy,
    startedAt: now,
    stepStartedAt: now,
    approval: null,
    candidates,
    ...(candidates.length > 0 ? summaryFields(candidates, now) : {}),
  };
}

/**
 * SET_WEIGHT must change the weight, and only an operator may lower it: the policy only ever
 * advances, so a lower weight from it means it acted on a stale view. Any weight puts the
 * rollout in canary mode (a paused rollout stays paused, now paused from CANARY). Without a
 * stepIndex, leaving shadow mode starts at step 0 and other changes keep the step. A new step
 * (or leaving shadow mode) restarts `stepStartedAt`, from which the policy measures the step,
 * and clears the approval, which was given for the step that ended.
 */
const setWeight: LiveEffect = (state, command, phase, now) => {
  if (hasCandidates(state)) return setCandidateWeight(state, command, phase, now);
  const next = command.canaryWeight ?? state.canaryWeight;
  if (next === state.canaryWeight) {
    return {
      code: RejectionCode.WEIGHT_UNCHANGED,
      message: `rollout "${state.rolloutId}" already runs at canary weight ${next}`,
    };
  }
  if (next < state.canaryWeight && command.issuedBy === IssuedBy.DECISION) {
    return {
      code: RejectionCode.WEIGHT_DECREASE_NOT_ALLOWED,
      message: `the decision service may only raise the canary weight (${state.canaryWeight} → ${next}); lowering it is an operator action`,
    };
  }
  const fromShadow = (state.pausedFrom ?? state.phase) === RolloutPhase.SHADOW;
  const stepIndex = command.stepIndex ?? (fromShadow ? 0 : state.stepIndex);
  const newStep = fromShadow || stepIndex !== state.stepIndex;
  return {
    ...state,
    phase,
    pausedFrom: phase === RolloutPhase.PAUSED ? RolloutPhase.CANARY : null,
    canaryWeight: next,
    stepIndex,
    stepStartedAt: newStep ? now : state.stepStartedAt,
    approval: newStep ? null : state.approval,
  };
};

const pause: LiveEffect = (state, _command, phase) => ({
  ...state,
  phase,
  pausedFrom: state.phase === RolloutPhase.SHADOW ? RolloutPhase.SHADOW : RolloutPhase.CANARY,
});

const resume: LiveEffect = (state, _command, phase) => ({ ...state, phase, pausedFrom: null });

/**
 * The canary becomes the stable; weight 0 and no canary, so everything goes to it. An A/B/n
 * rollout promotes the candidate the command names; the other live candidates end.
 */
const promote: LiveEffect = (state, command, phase, now) =>
  hasCandidates(state)
    ? promoteCandidate(state, command, now)
    : {
        ...state,
        phase,
        pausedFrom: null,
        stable: state.canary ?? state.stable,
        canary: null,
        shadows: [],
        canaryWeight: 0,
      };

/**
 * The stable keeps everything; the canary stays named as the record of what was rolled back. In
 * an A/B/n rollout a ROLLBACK naming a candidate rolls back that one alone (candidates.ts).
 */
const rollback: LiveEffect = (state, command, phase, now) =>
  hasCandidates(state)
    ? rollbackCandidates(state, command, now)
    : { ...state, phase, pausedFrom: null, shadows: [], canaryWeight: 0 };

/**
 * Records who approved the current step (the command's actor, else its issuer); the phase and
 * the routing stay. The first approval of a step stays on record: a second is refused.
 */
const approve: LiveEffect = (state, command, phase, now) => {
  if (state.approval !== null && state.approval.stepIndex === state.stepIndex) {
    return {
      code: RejectionCode.ALREADY_APPROVED,
      message: `step ${state.stepIndex} of rollout "${state.rolloutId}" was already approved by ${state.approval.approvedBy}`,
    };
  }
  return {
    ...state,
    phase,
    approval: {
      stepIndex: state.stepIndex,
      approvedBy: command.actor ?? command.issuedBy,
      issuedBy: command.issuedBy,
      commandId: command.commandId,
      reason: command.reason,
      at: now,
    },
  };
};

/** How each action on a live rollout changes it once the table, issuer and seq checks passed. */
export const LIVE_EFFECTS: {
  readonly [A in Exclude<RolloutAction, typeof RolloutAction.START>]: LiveEffect;
} = {
  [RolloutAction.SET_WEIGHT]: setWeight,
  [RolloutAction.PAUSE]: pause,
  [RolloutAction.RESUME]: resume,
  [RolloutAction.PROMOTE]: promote,
  [RolloutAction.ROLLBACK]: rollback,
  [RolloutAction.APPROVE]: approve,
};
