import type { Evaluation, RoutedRequest } from '@kanary/contracts';
import { EvidenceFolder } from './evidence-folder.js';
import type { RolloutTerms } from './rollout-terms.js';

export const T0 = 1_767_225_600_000;

export const TERMS: RolloutTerms = {
  rolloutId: 'ro-1',
  model: 'weather',
  startedAt: T0,
  maturityMs: 15_000,
  bucketMs: 1_000,
  epoch: 1,
};

export function routed(overrides: Partial<RoutedRequest> = {}): RoutedRequest {
  return {
    segment: null,
    requestId: 'r-1',
    model: 'weather',
    routingKey: null,
    features: '{}',
    timestamp: T0,
    rolloutId: 'ro-1',
    variant: 'v-stable',
    role: 'STABLE',
    served: true,
    routedAt: T0 + 100,
    dispatch: 'WORKER',
    ...overrides,
  };
}

export function evaluation(overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    logLoss: null,
    brier: null,
    segment: null,
    outcomes: null,
    requestId: 'r-1',
    model: 'weather',
    rolloutId: 'ro-1',
    variant: 'v-stable',
    role: 'STABLE',
    served: true,
    correct: true,
    absError: null,
    latencyMs: 20,
    status: 'OK',
    predictedAt: T0 + 150,
    labeledAt: T0 + 2_000,
    ...overrides,
  };
}

/** Source partition `partition` of two, folding every input of {@link TERMS}'s rollout. */
export function twoPartitionFolder(partition: number): EvidenceFolder {
  return new EvidenceFolder({
    partition,
    partitions: 2,
    inputs: ['routed'],
    relativeAccuracy: 0.01,
    latenessMs: 0,
    terms: () => TERMS,
  });
}
