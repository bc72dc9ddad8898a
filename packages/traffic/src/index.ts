export { parseDuration } from './duration.js';
export {
  constantDelay,
  delayAt,
  DelayKind,
  describeDelay,
  exponentialDelay,
  meanDelay,
  type DelayDistribution,
} from './delay-distribution.js';
export { dependsOnOutcome, isUnlabelled, labelDelay, type LabelPlan } from './label-plan.js';
export { LabelSchedule, type ScheduledLabel } from './label-schedule.js';
export { dueOffsetMs, requestIdFor, requestsDue, routingKeyFor } from './traffic-plan.js';
export {
  createRequestSource,
  SourceKind,
  type RequestSource,
  type SourceConfig,
  type SourceSample,
} from './request-source.js';
export {
  LabelFeeder,
  type LabelFeederOptions,
  type LabelFeederStats,
  type OutcomeSource,
} from './label-feeder.js';
export {
  runTraffic,
  type TrafficLabels,
  type TrafficOptions,
  type TrafficProgress,
  type TrafficReport,
} from './run-traffic.js';
export {
  LabelColumn,
  labelFromRow,
  POSITIONAL_COLUMNS,
  type LabelRowDefaults,
  type LabelRowResult,
} from './label-row.js';
export {
  formatOfFile,
  labelFileRows,
  LabelFileFormat,
  type LabelFileRow,
} from './label-file-rows.js';
export {
  importLabels,
  type ImportLabelsOptions,
  type ImportProgress,
  type ImportReport,
} from './import-labels.js';
