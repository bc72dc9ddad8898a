import { exampleEvents, type EventName, type TopicCatalog } from '@kanary/contracts';
import type { Service } from './service-pipeline.js';
import type { FuzzTarget } from './bad-records.js';

/** An ingress topic, the services that consume it, and how to fuzz it. */
export interface Ingress {
  readonly name: string;
  readonly consumers: readonly Service[];
  readonly target: FuzzTarget<EventName>;
}

const SECONDS = 1_767_225_600; // epoch seconds where milliseconds are expected

/**
 * Every Kafka ingress of the pipeline: the router's requests and commands, the worker's routed
 * requests, the evaluator's predictions and labels, and the decision service's evaluations (it
 * also reads routed requests and predictions). Each with values that fit the Avro schema but
 * break a semantic rule, and an incompatible event whose encoding is the "wrong schema".
 */
export function pipelineIngresses(catalog: TopicCatalog): Ingress[] {
  const e = exampleEvents;
  const ingress = <E extends EventName>(
    name: string,
    consumers: readonly Service[],
    target: FuzzTarget<E>,
  ): Ingress => ({ name, consumers, target: target as unknown as FuzzTarget<EventName> });
  return [
    ingress('router requests', ['router'], {
      topic: catalog.requests,
      valid: e.InferenceRequest,
      violations: [
        { ...e.InferenceRequest, features: 'not json {' },
        { ...e.InferenceRequest, requestId: '  ' },
        { ...e.InferenceRequest, timestamp: SECONDS },
      ],
      other: { topic: catalog.labels, value: e.GroundTruthLabel },
    }),
    ingress('router commands', ['router'], {
      topic: catalog.commands,
      valid: e.RolloutCommand,
      violations: [
        { ...e.RolloutCommand, canaryWeight: null },
        { ...e.RolloutCommand, canaryWeight: 1.5 },
        { ...e.RolloutCommand, commandId: '' },
      ],
      other: { topic: catalog.predictions, value: e.Prediction },
    }),
    ingress('worker routed requests', ['model-worker', 'decision'], {
      topic: catalog.routed,
      valid: e.RoutedRequest,
      violations: [
        { ...e.RoutedRequest, variant: '' },
        { ...e.RoutedRequest, features: '{"unterminated": ' },
        { ...e.RoutedRequest, routedAt: SECONDS },
      ],
      other: { topic: catalog.labels, value: e.GroundTruthLabel },
    }),
    ingress('evaluator predictions', ['evaluator', 'decision'], {
      topic: catalog.predictions,
      valid: e.Prediction,
      violations: [
        { ...e.Prediction, status: 'OK', output: null },
        { ...e.Prediction, latencyMs: -3 },
        { ...e.Prediction, latencyMs: Number.POSITIVE_INFINITY },
      ],
      other: { topic: catalog.requests, value: e.InferenceRequest },
    }),
    ingress('evaluator labels', ['evaluator'], {
      topic: catalog.labels,
      valid: e.GroundTruthLabel,
      violations: [
        { ...e.GroundTruthLabel, label: '' },
        { ...e.GroundTruthLabel, timestamp: 0 },
      ],
      other: { topic: catalog.evaluations, value: e.Evaluation },
    }),
    ingress('decision evaluations', ['decision'], {
      topic: catalog.evaluations,
      valid: e.Evaluation,
      violations: [
        { ...e.Evaluation, latencyMs: Number.NaN },
        { ...e.Evaluation, predictedAt: SECONDS },
        { ...e.Evaluation, model: '' },
      ],
      other: { topic: catalog.routed, value: e.RoutedRequest },
    }),
  ];
}
