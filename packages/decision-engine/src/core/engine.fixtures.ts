/** Builders for engine and statistics tests. */
import {
  IssuedBy,
  PredictionStatus,
  RolloutAction,
  Role,
  type Evaluation,
  type Prediction,
  type RolloutState,
} from '@kanary/contracts';
import { applyCommand, type PolicyInput } from '@kanary/rollout';
import type { DecisionEngine, RoutedObservation } from './engine-types.js';

export const T0 = 1_767_225_600_000;
export const MINUTE = 60_000;

/** A state of model m, rollout r1 (stable s, canary c) reached by applying a START at T0. */
export function startedState(
  policy: PolicyInput = {},
  options: { canaryWeight?: number | null; at?: number } = {},
): RolloutState {
  const at = options.at ?? T0;
  const result = applyCommand(
    undefined,
    {
      commandId: 'start',
      rolloutId: 'r1',
      model: 'm',
      action: RolloutAction.START,
      stable: 's',
      canary: 'c',
      shadows: [],
      canaryWeight: options.canaryWeight === undefined ? 0.01 : options.canaryWeight,
      stepIndex: null,
      basedOnSeq: null,
      issuedBy: IssuedBy.OPERATOR,
      reason: 'test',
      policy: JSON.stringify(policy),
      issuedAt: at,
      actor: null,
      candidates: [],
    },
    at,
  );
  if (result.outcome !== 'APPLIED') throw new Error(JSON.stringify(result));
  return result.state;
}

let requestNo = 0;

/** A fresh request of the stable arm of rollout r1. */
const stableRequest = () => ({
  requestId: `req-${++requestNo}`,
  model: 'm',
  rolloutId: 'r1' as string | null,
  variant: 's',
  role: Role.STABLE as Role,
  served: true,
});

/** An evaluation of the stable arm, labelled 1 s after a prediction at T0 + 1 s, correct. */
export function evaluation(overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    logLoss: null,
    brier: null,
    segment: null,
    outcomes: null,
    ...stableRequest(),
    correct: true,
    absError: null,
    latencyMs: 100,
    status: PredictionStatus.OK,
    predictedAt: T0 + 1_000,
    labeledAt: T0 + 2_000,
    ...overrides,
  };
}

export const canaryEvaluation = (overrides: Partial<Evaluation> = {}): Evaluation =>
  evaluation({ variant: 'c', role: Role.CANARY, ...overrides });

export function routed(overrides: Partial<RoutedObservation> = {}): RoutedObservation {
  return {
    ...stableRequest(),
    routedAt: T0 + 1_000,
    ...overrides,
  };
}

export function prediction(overrides: Partial<Prediction> = {}): Prediction {
  return {
    scores: null,
    segment: null,
    ...stableRequest(),
    output: 'yes',
    score: null,
    latencyMs: 100,
    status: PredictionStatus.OK,
    error: null,
    timestamp: T0 + 1_000,
    ...overrides,
  };
}

/**
 * Feeds `n` mature labelled evaluations per arm at `accuracy`, predicted over the minute from
 * `at` (the latency threshold is fixed by the stable arm's first buckets of event time and judged
 * on the later ones, so the evidence must span several buckets).
 */
export function feed(
  engine: DecisionEngine,
  n: { stable: number; canary: number },
  accuracy: { stable: number; canary: number },
  at = T0 + 1_000,
): void {
  const arms = [
    ['stable', n.stable, accuracy.stable, evaluation] as const,
    ['canary', n.canary, accuracy.canary, canaryEvaluation] as const,
  ];
  for (const [, count, rate, make] of arms) {
    for (let i = 0; i < count; i += 1) {
      const predictedAt = at + (i % 60) * 1_000;
      const e: Evaluation = make({
        correct: i < Math.round(count * rate),
        predictedAt,
        labeledAt: predictedAt + 1_000,
      });
      engine.onEvaluation(e);
      engine.onRouted(
        routed({
          requestId: e.requestId,
          variant: e.variant,
          role: e.role,
          routedAt: predictedAt - 10,
        }),
      );
    }
  }
}
