export { loadConfig, SERVICE, type EvaluatorConfig } from './config.js';
export { startEvaluator, type Evaluator, type EvaluatorDeps } from './shell/start-evaluator.js';
export { checkTopicLayout, TopicLayoutError, type TopicLayout } from './shell/topic-layout.js';
export {
  readToEnd,
  ReadToEndError,
  type RawRecord,
  type ReadToEndOptions,
  type ReadToEndReport,
} from './shell/read-to-end.js';
export { CoPartitionedAssigner, coPartitionedAssignment } from './shell/co-partitioned-assigner.js';
export {
  joinTask,
  type JoinEvent,
  type JoinTask,
  type JoinTaskOptions,
} from './shell/join-task.js';
export { PartitionOutputs, metricsRecords, type JoinTopics } from './shell/join-outputs.js';
export { evaluatorMetrics, type EvaluatorMetrics } from './shell/evaluator-metrics.js';
export {
  PartitionJoins,
  StaleRestoreError,
  type PartitionJoinsOptions,
  type RestorePartition,
} from './shell/partition-joins.js';
export {
  JoinProcessor,
  MetricsAggregator,
  joinConfigSchema,
  parseJoinConfig,
  type ChangelogEntry,
  type JoinConfig,
  type JoinConfigInput,
  type JoinInput,
  type JoinStats,
  type LabelMetrics,
  type MetricsSnapshot,
  type ProcessorOutput,
} from '@kanary/join';
