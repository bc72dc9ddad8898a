// Generated from schemas/*.avsc by `pnpm --filter @kanary/contracts generate`. Do not edit.
export type { DecisionReport } from './decision-report.js';
export { DevKanaryV1 as DecisionReportModule } from './decision-report.js';
export type { Evaluation } from './evaluation.js';
export { DevKanaryV1 as EvaluationModule } from './evaluation.js';
export type { GroundTruthLabel } from './ground-truth-label.js';
export { DevKanaryV1 as GroundTruthLabelModule } from './ground-truth-label.js';
export type { InferenceRequest } from './inference-request.js';
export { DevKanaryV1 as InferenceRequestModule } from './inference-request.js';
export type { Prediction } from './prediction.js';
export { DevKanaryV1 as PredictionModule } from './prediction.js';
export type { RolloutCommand } from './rollout-command.js';
export { DevKanaryV1 as RolloutCommandModule } from './rollout-command.js';
export type { RolloutState } from './rollout-state.js';
export { DevKanaryV1 as RolloutStateModule } from './rollout-state.js';
export type { RoutedRequest } from './routed-request.js';
export { DevKanaryV1 as RoutedRequestModule } from './routed-request.js';
export type { VariantMetrics } from './variant-metrics.js';
export { DevKanaryV1 as VariantMetricsModule } from './variant-metrics.js';
