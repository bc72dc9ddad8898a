/**
 * What the join tells about a stable answer and a shadow copy's answer to the same request
 * (structural: the evaluator's join emits these shapes). Each pair is reported once.
 */

/** Both answers seen, compared without a label. */
export interface OutputPairInput {
  readonly rolloutId: string;
  readonly model: string;
  readonly shadowVariant: string;
  /** The shadow copy's predictedAt, epoch ms: the bucket the pair is counted in. */
  readonly predictedAt: number;
  readonly agree: boolean;
}

/** Both answers evaluated against the label. */
export interface LabelledPairInput {
  readonly rolloutId: string;
  readonly model: string;
  readonly shadowVariant: string;
  /** Epoch ms; the bucket the pair is counted in. */
  readonly shadowPredictedAt: number;
  readonly stablePredictedAt: number;
  readonly labeledAt: number;
  readonly shadowCorrect: boolean;
  readonly stableCorrect: boolean;
}
