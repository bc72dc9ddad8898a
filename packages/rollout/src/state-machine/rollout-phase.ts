/**
 * Phases of a model's rollout come from the wire contract (`RolloutPhase` in
 * `schemas/rollout-state.avsc`): SHADOW, CANARY and PAUSED are live; PROMOTED and ROLLED_BACK
 * are terminal for their `rolloutId` (only a START with a new rolloutId leaves them).
 */
import { RolloutPhase } from '@kanary/contracts';

/** The phases a PAUSED rollout can return to on RESUME. */
export type ResumablePhase = typeof RolloutPhase.SHADOW | typeof RolloutPhase.CANARY;

/** True for PROMOTED and ROLLED_BACK: the rollout is over and accepts only a new START. */
export function isTerminalPhase(phase: RolloutPhase): boolean {
  return phase === RolloutPhase.PROMOTED || phase === RolloutPhase.ROLLED_BACK;
}
