/**
 * Phase of a model's rollout. SHADOW, CANARY and PAUSED are live; PROMOTED and ROLLED_BACK are
 * terminal for their `rolloutId` (only a START with a new rolloutId leaves them).
 */
export const RolloutPhase = {
  /** The canary receives copies of every request (`served=false`); the stable serves 100 %. */
  SHADOW: 'SHADOW',
  /** The canary serves `canaryWeight` of the traffic by sticky hash; the stable serves the rest. */
  CANARY: 'CANARY',
  /** Routing frozen at the current weight; automatic decisions other than ROLLBACK are refused. */
  PAUSED: 'PAUSED',
  /** The canary became the stable and serves everything. Terminal. */
  PROMOTED: 'PROMOTED',
  /** The stable serves everything; the canary is out. Terminal. */
  ROLLED_BACK: 'ROLLED_BACK',
} as const;
export type RolloutPhase = (typeof RolloutPhase)[keyof typeof RolloutPhase];

/** The phases a PAUSED rollout can return to on RESUME. */
export type ResumablePhase = typeof RolloutPhase.SHADOW | typeof RolloutPhase.CANARY;

/** True for PROMOTED and ROLLED_BACK: the rollout is over and accepts only a new START. */
export function isTerminalPhase(phase: RolloutPhase): boolean {
  return phase === RolloutPhase.PROMOTED || phase === RolloutPhase.ROLLED_BACK;
}
