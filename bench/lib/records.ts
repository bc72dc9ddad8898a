import type {
  Evaluation,
  GroundTruthLabel,
  InferenceRequest,
  Prediction,
  RolloutCommand,
  RolloutState,
  RoutedRequest,
} from '@kanary/contracts';
import { applyCommand } from '@kanary/rollout';

/** The logical model and its variant every stage benchmark uses. */
export const MODEL = 'bench-model';
export const STABLE_VARIANT = 'bench-model-v1';
export const CANARY_VARIANT = 'bench-model-v2';

/** Features the size of the weather demo's (five numbers), plus the sim backend's truth field. */
const FEATURES = '{"precipitation":0.3,"temp_max":12.8,"temp_min":5.1,"wind":4.7,"trueLabel":"a"}';

/** A request id like production ones: 36 characters, unique per run and index. */
export const requestId = (run: string, i: number): string =>
  `${run.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

export const inferenceRequest = (id: string, now: number): InferenceRequest => ({
  requestId: id,
  model: MODEL,
  routingKey: `user-${id.slice(-4)}`,
  features: FEATURES,
  timestamp: now,
});

export const routedRequest = (id: string, now: number): RoutedRequest => ({
  segment: null,
  ...inferenceRequest(id, now),
  rolloutId: null,
  variant: STABLE_VARIANT,
  role: 'STABLE',
  served: true,
  routedAt: now,
  dispatch: 'WORKER',
});

/** The served request of the i-th record of a rollout: odd indices on the canary. */
const armOf = (id: string, i: number, rolloutId: string) =>
  ({
    requestId: id,
    model: MODEL,
    rolloutId,
    variant: i % 2 === 1 ? CANARY_VARIANT : STABLE_VARIANT,
    role: i % 2 === 1 ? 'CANARY' : 'STABLE',
    served: true,
    latencyMs: 3 + (i % 40) / 7,
    status: 'OK',
  }) as const;

/** Predictions of both arms of one rollout. */
export const prediction = (id: string, i: number, rolloutId: string, now: number): Prediction => ({
  scores: null,
  segment: null,
  ...armOf(id, i, rolloutId),
  output: i % 3 === 0 ? 'b' : 'a',
  score: null,
  error: null,
  timestamp: now,
});

export const label = (id: string, now: number): GroundTruthLabel => ({
  outcomes: null,
  requestId: id,
  model: MODEL,
  label: 'a',
  timestamp: now,
});

export const evaluation = (
  id: string,
  i: number,
  rolloutId: string,
  predictedAt: number,
): Evaluation => ({
  logLoss: null,
  brier: null,
  segment: null,
  outcomes: null,
  ...armOf(id, i, rolloutId),
  correct: i % 10 !== 0,
  absError: null,
  predictedAt,
  labeledAt: predictedAt + 1_000,
});

/** An operator's START of a rollout of MODEL (stable → canary), by default with the default policy. */
export function startCommand(
  rolloutId: string,
  issuedAt: number,
  options: { canaryWeight: number | null; policy?: string; reason?: string },
): RolloutCommand {
  return {
    commandId: `${rolloutId}-start`,
    rolloutId,
    model: MODEL,
    action: 'START',
    stable: STABLE_VARIANT,
    canary: CANARY_VARIANT,
    shadows: [],
    canaryWeight: options.canaryWeight,
    stepIndex: null,
    basedOnSeq: null,
    issuedBy: 'OPERATOR',
    reason: options.reason ?? 'bench',
    policy: options.policy ?? '{}',
    issuedAt,
    actor: null,
    candidates: [],
  };
}

/**
 * The state of a rollout of MODEL (stable → canary at `canaryWeight`) started at `startedAt`
 * with the default policy (label maturity 1 h, first step 1 %, step timeout 24 h).
 */
export function startedRollout(
  rolloutId: string,
  startedAt: number,
  canaryWeight = 0.01,
): RolloutState {
  const result = applyCommand(
    undefined,
    startCommand(rolloutId, startedAt, { canaryWeight }),
    startedAt,
  );
  if (result.outcome !== 'APPLIED') throw new Error(`START not applied: ${JSON.stringify(result)}`);
  return result.state;
}
