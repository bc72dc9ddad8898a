/**
 * The evaluator's pure core: the prediction × label join as a Kafka Streams-style processor,
 * its state store and changelog format, classification and per-variant metrics. No Kafka, no
 * logging, no Node I/O, no clock: the shell passes `now` and performs the returned outputs.
 *
 * @packageDocumentation
 */

// Processor
export { JoinProcessor } from './join-processor.js';
export type { JoinProcessorOptions, JoinStats, ProcessorContext } from './join-processor.js';
export type { JoinInput } from './join-input.js';
export { IgnoreReason } from './processor-output.js';
export { OutputCollector } from './output-collector.js';
export type {
  ExpiredItem,
  ExpiredLabel,
  ExpiredPrediction,
  IgnoredRecord,
  LabelledPair,
  OutputPair,
  ProcessorOutput,
} from './processor-output.js';
export { ExpiryReason } from './expiry-reason.js';

// Configuration
export { joinConfigSchema, parseJoinConfig } from './join-config.js';
export type { JoinConfig, JoinConfigInput } from './join-config.js';

// State store and changelog
export type { ExpiryRef, JoinStore, StoredValue } from './join-store.js';
export {
  InMemoryJoinStore,
  BYTES_VALUE_OVERHEAD,
  ENTRY_OVERHEAD_BYTES,
} from './memory-join-store.js';
export {
  RESERVED_KEY_PREFIX,
  SNAPSHOT_SCHEDULE_KEY,
  changelogText,
  isReservedKey,
  labelMetricsKey,
  evidenceStateKey,
  isEvidenceStateKey,
  parseUnitKey,
  unitKey,
  variantMetricsKey,
} from './changelog.js';
export type { ChangelogEntry } from './changelog.js';
export { ENTRY_FORMAT_VERSION, decodeEntry, encodeEntry } from './entry-codec.js';
export { BINARY_ENTRY_VERSION, encodeEntryBytes } from './entry-binary.js';
export { entryExpiresAt } from './join-entry.js';
export type {
  EvaluatedVariant,
  HeldLabel,
  JoinEntry,
  Outcomes,
  PairingDetails,
  PendingPrediction,
} from './join-entry.js';
export { ChangelogFormatError } from './changelog-format-error.js';

// Classification
export { classify } from './classify.js';
export type { Classification } from './classify.js';
export { LOG_LOSS_CLIP, evaluationScores, scoreProbabilities } from './probability-scores.js';
export type { ClassScores, ProbabilityScores } from './probability-scores.js';
export { parseNumericText, storeText } from './stored-text.js';
export type { StoredText, TextDigest } from './stored-text.js';

// Metrics
export { MetricsAggregator } from './metrics-aggregator.js';
export type { MeteredPrediction, MetricsSnapshot } from './metrics-aggregator.js';
export { VariantAggregate } from './variant-aggregate.js';
export type { MeteredEvaluation, VariantCounters, VariantId } from './variant-aggregate.js';
export type { LabelMetrics } from './label-aggregate.js';
export { LatencySketch, LATENCY_SKETCH_BIN_LIMIT, type EncodedSketch } from '@kanary/evidence';
