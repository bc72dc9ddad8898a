import type { GroundTruthLabel, Prediction } from '@kanary/contracts';

/** One decoded, validated input record for the join: a prediction or a label. */
export type JoinInput =
  | { readonly kind: 'prediction'; readonly value: Prediction }
  | { readonly kind: 'label'; readonly value: GroundTruthLabel };
