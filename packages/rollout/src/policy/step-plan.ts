import { RolloutPhase, type RolloutState } from '@kanary/contracts';
import { RolloutMode, type Policy } from './policy-schema.js';

/** Where a rollout goes when its current step passes: another canary step, or promotion. */
export type StepTarget =
  | { readonly kind: 'STEP'; readonly stepIndex: number; readonly canaryWeight: number }
  | { readonly kind: 'PROMOTE' };

/**
 * The step after the current one. From shadow mode that is the first canary step. From a canary
 * step it is the first later step whose weight exceeds the weight in force — an operator may
 * have raised the weight by hand, and the decision service may only ever raise it — or
 * promotion when no step is left.
 */
export function nextStep(policy: Policy, state: RolloutState): StepTarget {
  const mode = state.pausedFrom ?? state.phase;
  const from = mode === RolloutPhase.SHADOW ? -1 : state.stepIndex;
  for (let index = from + 1; index < policy.steps.length; index += 1) {
    const canaryWeight = policy.steps[index];
    if (canaryWeight !== undefined && canaryWeight > state.canaryWeight) {
      return { kind: 'STEP', stepIndex: index, canaryWeight };
    }
  }
  return { kind: 'PROMOTE' };
}

/**
 * The canary weight a START should carry for this policy: null (shadow mode, the canary gets
 * copies only) when `mode` is 'shadow', otherwise the first step.
 */
export function startingWeight(policy: Policy): number | null {
  return policy.mode === RolloutMode.SHADOW ? null : (policy.steps[0] ?? null);
}
