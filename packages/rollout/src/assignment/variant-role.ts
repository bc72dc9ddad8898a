/** The part a variant plays for one request. */
export const VariantRole = {
  /** Serves the baseline share of traffic. */
  STABLE: 'STABLE',
  /** Serves the canary share of traffic. */
  CANARY: 'CANARY',
  /** Receives a copy of the request; its answer is not returned (`served=false`). */
  SHADOW: 'SHADOW',
} as const;
export type VariantRole = (typeof VariantRole)[keyof typeof VariantRole];
