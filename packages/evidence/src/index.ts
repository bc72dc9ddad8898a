/**
 * Evidence: what the decision judges, as mergeable per-(rollout, arm, event-time bucket)
 * aggregates. The evaluator folds them per source partition ({@link EvidenceFolder}) and
 * publishes them on a compacted topic; readers merge them ({@link EvidenceBook}). Pure: no
 * Kafka, no I/O, no clock.
 *
 * @packageDocumentation
 */
export {
  ArmBucket,
  addArmCounts,
  addArmSums,
  emptyArmCounts,
  emptyArmSums,
  type ArmCounts,
  type ArmSums,
} from './arm-bucket.js';
export {
  MeanMetric,
  addEvaluationMeans,
  addMeans,
  addMoments,
  momentsOf,
  outcomeMetric,
  outcomeName,
  type MeanInputs,
  type MeanMoments,
  type Moments,
  type MomentsSource,
} from './mean-moments.js';
export {
  MAX_SEGMENTS,
  OTHER_SEGMENT,
  addSegmentEvaluation,
  addSegments,
  boundedSegment,
  type SegmentCounts,
} from './segment-counts.js';
export { bucketStartOf, bucketWidthMs } from './bucket-width.js';
export { armReport, type ArmReport, type SegmentReport } from './arm-report.js';
export { EvidenceBook, type ArmTotals, type SourceProgress } from './evidence-book.js';
export {
  EvidenceFolder,
  FoldOutcome,
  type EvidenceFolderOptions,
  type EvidencePublishing,
  type FoldSkips,
  type RoutedInput,
} from './evidence-folder.js';
export { AssignmentUnits, ownerPartition, type CountedUnit } from './assignment-units.js';
export type { LabelledPairInput, OutputPairInput } from './pair-inputs.js';
export { armKey, bucketKey, watermarkKey, type ArmId } from './evidence-key.js';
export { LATENCY_SKETCH_BIN_LIMIT, LatencySketch, type EncodedSketch } from './latency-sketch.js';
export { rolloutTerms, type RolloutTerms } from './rollout-terms.js';
