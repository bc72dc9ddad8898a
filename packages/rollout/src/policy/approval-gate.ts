import { DecisionAction, type RolloutState } from '@kanary/contracts';
import { DecisionCode, type Decision } from './decision.js';
import type { Policy } from './policy-schema.js';

/** Whether the policy wants an approval before this action. */
function needsApproval(action: DecisionAction, policy: Policy): boolean {
  if (action === DecisionAction.PROMOTE) return policy.approval.promote;
  if (action === DecisionAction.ADVANCE) return policy.approval.advance;
  return false;
}

/**
 * The approval gate (Argo Rollouts' manual promotion, Flagger's confirm-promotion): an ADVANCE
 * or PROMOTE the policy requires an approval for goes ahead only once the current step is
 * approved (`state.approval` names this step), and otherwise becomes a HOLD with code
 * AWAITING_APPROVAL that says what would happen and why. Every other decision passes unchanged,
 * so a guardrail ROLLBACK or a data-quality PAUSE never waits for anyone.
 */
export function gateApproval(decision: Decision, state: RolloutState, policy: Policy): Decision {
  if (!needsApproval(decision.action, policy)) return decision;
  const approval = state.approval;
  if (approval !== null && approval.stepIndex === state.stepIndex) {
    return {
      ...decision,
      reason: `${decision.reason} (approved by ${approval.approvedBy})`,
      approvedBy: approval.approvedBy,
    };
  }
  const step = state.stepIndex < 0 ? 'the shadow phase' : `step ${state.stepIndex}`;
  return {
    ...decision,
    action: DecisionAction.HOLD,
    code: DecisionCode.AWAITING_APPROVAL,
    reason: `Awaiting approval to ${decision.action} after ${step} (kanary rollout approve --model ${state.model}, the console, or the confirm webhook): ${decision.reason}`,
    target: null,
    awaitingApproval: decision.action,
  };
}
