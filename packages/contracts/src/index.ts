export type {
  ArmEvidence,
  DecisionReport,
  Evaluation,
  GroundTruthLabel,
  InferenceRequest,
  Prediction,
  RolloutCommand,
  RolloutState,
  RoutedRequest,
  VariantMetrics,
} from './generated/index.js';
export {
  Role,
  Dispatch,
  PredictionStatus,
  RolloutPhase,
  RolloutAction,
  IssuedBy,
  CommandOutcomeKind,
  CandidateStatus,
  DecisionAction,
  MetricOutcome,
  type Candidate,
  type CommandOutcome,
  type MetricEvidence,
} from './enums.js';
export { eventNames, eventSchemaText, type EventName, type EventTypes } from './events.js';
export {
  TopicKey,
  topicCatalog,
  valueSubject,
  type TopicCatalog,
  type TopicCatalogOptions,
  type TopicSpec,
} from './topics.js';
export {
  semanticIssues,
  MIN_PLAUSIBLE_TIME_MS,
  MAX_PLAUSIBLE_TIME_MS,
  SCORES_SUM_TOLERANCE,
} from './validators.js';
export {
  EventCodec,
  RegistryUnavailableError,
  avroType,
  type RegistryConnection,
} from './codec.js';
export {
  KanaryError,
  DecodeError,
  ValidationError,
  ConfigError,
  isKanaryError,
  isRetriable,
} from './errors.js';
export { exampleEvents } from './examples.js';
