/**
 * What a decision publishes: the `rollout.decisions` report and, unless it is a HOLD, the
 * `rollout.commands` command. Both ids are deterministic, so a restarted service or a replay
 * that reaches the same decision on the same state produces the same records, and the router
 * treats a re-issued command as a duplicate.
 */
import {
  DecisionAction,
  IssuedBy,
  RolloutAction,
  type DecisionReport,
  type RolloutCommand,
  type RolloutState,
} from '@kanary/contracts';
import { commandOnState, type Decision, type LiveAction } from '@kanary/rollout';

const COMMAND_ACTION: Record<Exclude<DecisionAction, 'HOLD'>, LiveAction> = {
  [DecisionAction.ADVANCE]: RolloutAction.SET_WEIGHT,
  [DecisionAction.PROMOTE]: RolloutAction.PROMOTE,
  [DecisionAction.ROLLBACK]: RolloutAction.ROLLBACK,
  [DecisionAction.PAUSE]: RolloutAction.PAUSE,
};

/** `${rolloutId}:${seq}:${action}`: one command per decision action and state. */
export const commandIdFor = (state: RolloutState, action: DecisionAction): string =>
  `${state.rolloutId}:${state.seq}:${action}`;

/** The command carrying out a decision, based on the judged state's seq; null for HOLD. */
export function commandFor(
  state: RolloutState,
  decision: Decision,
  now: number,
): RolloutCommand | null {
  if (decision.action === DecisionAction.HOLD) return null;
  const issue = {
    commandId: commandIdFor(state, decision.action),
    issuedAt: now,
    issuedBy: IssuedBy.DECISION,
    reason: decision.reason,
  };
  return commandOnState(state, COMMAND_ACTION[decision.action], issue, decision.target ?? {});
}

/**
 * The published report of a decision; `details` is JSON text with the extra evidence.
 * `candidate` names the A/B/n candidate the decision is about (`state` is then its view).
 */
export function reportFor(
  state: RolloutState,
  decision: Decision,
  command: RolloutCommand | null,
  now: number,
  candidate: string | null,
  details: Record<string, unknown>,
): DecisionReport {
  const about = candidate === null ? '' : `:${candidate}`;
  return {
    decisionId: `${state.rolloutId}:${state.seq}:${decision.action}${about}:${now}`,
    rolloutId: state.rolloutId,
    model: state.model,
    action: decision.action,
    reason: decision.reason,
    phase: state.phase,
    stepIndex: state.stepIndex,
    canaryWeight: state.canaryWeight,
    evidence: [...decision.evidence],
    commandId: command?.commandId ?? null,
    details: JSON.stringify({ code: decision.code, ...details }),
    at: now,
    awaitingApproval: decision.awaitingApproval ?? null,
    approvedBy: decision.approvedBy ?? null,
    candidate,
  };
}
