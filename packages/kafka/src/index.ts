export { loadEnvConfig, envField } from './env.js';
export { placeholderTokenReason, SHIPPED_TOKENS } from './placeholder-token.js';
export {
  kafkaEnvShape,
  kafkaEnvSchema,
  toKafkaConnection,
  type KafkaConnectionConfig,
} from './config.js';
export { createKafka } from './client.js';
export { compressionType, KAFKA_COMPRESSIONS, KafkaCompression } from './compression.js';
export { registerCompressionCodecs } from './compression-codecs.js';
export { ensureTopics, type BootstrapReport, type TopicMismatch } from './bootstrap.js';
export { deadLetter, dlqHeader, DlqHeader, type DeadLetter } from './dead-letter.js';
export { DeadLetterCounter, DLQ_METRIC } from './dead-letter-counter.js';
export {
  ConsumerLag,
  CONSUMER_LAG_METRIC,
  partitionLag,
  type ConsumerLagOptions,
  type PartitionOffsets,
} from './consumer-lag.js';
export { ProcessorRunner } from './processor-runner.js';
export { TaskGate } from './task-gate.js';
export {
  TaskProducers,
  TRANSACTIONAL_RETRY,
  ProducerFencedError,
  asFenced,
  type TaskProducer,
  type TaskProducersOptions,
} from './task-producers.js';
export { KeyMismatchError, keyMismatch, requestIdKey, type RecordKey } from './record-key.js';
export type {
  BatchContext,
  DeliveryMode,
  InputRecord,
  OutputRecord,
  ProcessorOptions,
  ProcessorStats,
} from './processor-options.js';
export { commitTransaction, type ConsumedOffset } from './commit-transaction.js';
export { onShutdownSignal } from './shutdown.js';
export { MAX_SEND_BYTES, splitSends, type TopicMessages } from './split-sends.js';
export { sendInParts } from './send-in-parts.js';
export { TopicFollower, type FollowedRecord, type TopicFollowerOptions } from './topic-follower.js';
export { ReadProgress, CatchUpTimeoutError } from './read-progress.js';
export {
  watchConsumerCrashes,
  watchFirstConsumerFailure,
  type WatchedKafka,
} from './crash-watch.js';
export { LazyAdmin } from './lazy-admin.js';
export { jsonOrFileField } from './json-env-field.js';
export { DefaultPartitioner, keyPartition } from './key-partition.js';
export { PendingOffsets, type OffsetToCommit } from './pending-offsets.js';
export { decodeBatch } from './decode-batch.js';
export { GroupCommit, GroupCommitFullError, type GroupCommitOptions } from './group-commit.js';
export * as kafkajsProtocol from './kafkajs-protocol.js';
