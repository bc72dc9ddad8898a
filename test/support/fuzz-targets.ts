import { exampleEvents, type EventName, type TopicCatalog } from '@kanary/contracts';
import type { Service } from './service-pipeline.js';
import type { FuzzTarget } from './bad-records.js';

/** An ingress topic, the services that consume it, and how to fuzz it. */
export interface Ingress {
  readonly name: string;
  readonly consumers: readonly Service[];
  readonly target: FuzzTarget<EventName>;
  /**
   * The pipeline itself keeps writing to the topic (the evaluator's evidence: watermarks move
   * with the clock), so what was produced at one moment is a lower bound of what is read later.
   */
  readonly growing?: boolean;
}

const SECONDS = 1_767_225_600; // epoch seconds where milliseconds are expected

/**
 * Every Kafka ingress of the pipeline: the router's requests and commands, the worker's routed
 * requests (the evaluator reads them too), the evaluator's predictions and labels, and the
 * decision service's evidence. Each with values that fit the Avro schema but break a semantic
 * rule, and an incompatible event whose encoding is the "wrong schema".
 */
export function pipelineIngresses(catalog: TopicCatalog): Ingress[] {
  const e = exampleEvents;
  const ingress = <E extends EventName>(
    name: string,
    consumers: readonly Service[],
    target: FuzzTarget<E>,
    growing = false,
  ): Ingress => ({ name, consumers, target: target as unknown as FuzzTarget<EventName>, growing });
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
    ingress('worker routed requests', ['model-worker', 'evaluator'], {
      topic: catalog.routed,
      valid: e.RoutedRequest,
      violations: [
        { ...e.RoutedRequest, variant: '' },
        { ...e.RoutedRequest, features: '{"unterminated": ' },
        { ...e.RoutedRequest, routedAt: SECONDS },
      ],
      other: { topic: catalog.labels, value: e.GroundTruthLabel },
    }),
    ingress('evaluator predictions', ['evaluator'], {
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
    // Valid evidence of a rollout nobody judges, from an existing source partition.
    ingress(
      'decision evidence',
      ['decision'],
      {
        topic: catalog.evidence,
        valid: {
          ...e.ArmEvidence,
          rolloutId: 'fuzz',
          sourcePartition: 0,
          sourcePartitions: catalog.evidence.partitions,
        },
        violations: [
          { ...e.ArmEvidence, sourcePartitions: 0 },
          { ...e.ArmEvidence, labelled: -1 },
          { ...e.ArmEvidence, latencyAccuracy: 2 },
        ],
        other: { topic: catalog.routed, value: e.RoutedRequest },
      },
      true,
    ),
  ];
}
