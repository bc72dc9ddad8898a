/** Verb of a {@link RolloutCommand}. */
export const RolloutAction = {
  /** Begin a new rollout (new rolloutId): SHADOW when canaryWeight is null or 0, else CANARY. */
  START: 'START',
  /** Change the canary's share of traffic; from SHADOW this enters CANARY. */
  SET_WEIGHT: 'SET_WEIGHT',
  /** Make the canary the stable and end the rollout. */
  PROMOTE: 'PROMOTE',
  /** Send everything back to the stable and end the rollout. */
  ROLLBACK: 'ROLLBACK',
  /** Freeze routing at the current weight and stop automatic advancement. */
  PAUSE: 'PAUSE',
  /** Return a paused rollout to the phase it was paused from. */
  RESUME: 'RESUME',
} as const;
export type RolloutAction = (typeof RolloutAction)[keyof typeof RolloutAction];
