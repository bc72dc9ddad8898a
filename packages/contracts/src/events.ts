import {
  ArmEvidenceModule,
  DecisionReportModule,
  EvaluationModule,
  GroundTruthLabelModule,
  InferenceRequestModule,
  PredictionModule,
  RolloutCommandModule,
  RolloutStateModule,
  RoutedRequestModule,
  VariantMetricsModule,
  type ArmEvidence,
  type DecisionReport,
  type Evaluation,
  type GroundTruthLabel,
  type InferenceRequest,
  type Prediction,
  type RolloutCommand,
  type RolloutState,
  type RoutedRequest,
  type VariantMetrics,
} from './generated/index.js';

/** Every event that travels on a Kanary topic, by its Avro record name. */
export interface EventTypes {
  InferenceRequest: InferenceRequest;
  RoutedRequest: RoutedRequest;
  Prediction: Prediction;
  GroundTruthLabel: GroundTruthLabel;
  Evaluation: Evaluation;
  VariantMetrics: VariantMetrics;
  RolloutCommand: RolloutCommand;
  RolloutState: RolloutState;
  DecisionReport: DecisionReport;
  ArmEvidence: ArmEvidence;
}
export type EventName = keyof EventTypes;

/** The Avro schema text of each event, exactly as in `schemas/*.avsc`. */
export const eventSchemaText: Readonly<Record<EventName, string>> = Object.freeze({
  InferenceRequest: InferenceRequestModule.InferenceRequestSchema,
  RoutedRequest: RoutedRequestModule.RoutedRequestSchema,
  Prediction: PredictionModule.PredictionSchema,
  GroundTruthLabel: GroundTruthLabelModule.GroundTruthLabelSchema,
  Evaluation: EvaluationModule.EvaluationSchema,
  VariantMetrics: VariantMetricsModule.VariantMetricsSchema,
  RolloutCommand: RolloutCommandModule.RolloutCommandSchema,
  RolloutState: RolloutStateModule.RolloutStateSchema,
  DecisionReport: DecisionReportModule.DecisionReportSchema,
  ArmEvidence: ArmEvidenceModule.ArmEvidenceSchema,
});

export const eventNames = Object.keys(eventSchemaText) as EventName[];
