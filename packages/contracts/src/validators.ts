/**
 * Rules the Avro wire cannot express: non-empty ids, weights in [0, 1], finite non-negative
 * latencies, plausible timestamps, JSON-valued feature text. Records that fail them are invalid
 * input and go to the dead-letter topic.
 */
import { z } from 'zod';
import type { EventName, EventTypes } from './events.js';
import { certainlyValid } from './fast-validity.js';
import { RolloutAction } from './enums.js';
import { MAX_PLAUSIBLE_TIME_MS, MIN_PLAUSIBLE_TIME_MS } from './plausible-time.js';
import { SCORES_SUM_TOLERANCE } from './scores-tolerance.js';

export { MAX_PLAUSIBLE_TIME_MS, MIN_PLAUSIBLE_TIME_MS, SCORES_SUM_TOLERANCE };

const id = z.string().trim().min(1, 'must not be empty');
const time = z
  .number()
  .int()
  .min(MIN_PLAUSIBLE_TIME_MS, 'must be epoch milliseconds after 2000-01-01')
  .max(MAX_PLAUSIBLE_TIME_MS, 'must be epoch milliseconds before 2100-01-01');
const latency = z.number().finite('must be finite').min(0, 'must be >= 0');
const weight = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');
const share = weight.nullable();
const count = z.number().int().min(0, 'must be >= 0');
const probability = z
  .number()
  .finite('must be finite')
  .min(0, 'must be in [0, 1]')
  .max(1, 'must be in [0, 1]');
const scores = z
  .record(probability)
  .refine((s) => Object.keys(s).length > 0, 'must name at least one class')
  .refine(
    (s) => Math.abs(Object.values(s).reduce((a, b) => a + b, 0) - 1) <= SCORES_SUM_TOLERANCE,
    'must sum to 1 (the probabilities of every class)',
  )
  .nullish();
const outcomes = z.record(z.number().finite('must be finite')).nullish();
const segment = id.nullish();
const loss = z.number().finite('must be finite').min(0, 'must be >= 0').nullish();
const moments = z.object({
  metric: id,
  n: z.number().int().min(0, 'must be >= 0'),
  sum: z.number().finite('must be finite'),
  squares: z.number().finite('must be finite').min(0, 'must be >= 0'),
});
const jsonText = z.string().refine((s) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}, 'must be JSON text');

const routed = {
  requestId: id,
  model: id,
  variant: id,
  features: jsonText,
  timestamp: time,
  routedAt: time,
};

const rules: { readonly [E in EventName]: z.ZodType<Partial<EventTypes[E]>> } = {
  InferenceRequest: z.object({ requestId: id, model: id, features: jsonText, timestamp: time }),
  RoutedRequest: z.object({ ...routed, segment }),
  Prediction: z
    .object({
      requestId: id,
      model: id,
      variant: id,
      latencyMs: latency,
      timestamp: time,
      score: z.number().finite().nullable(),
      status: z.enum(['OK', 'ERROR', 'TIMEOUT']),
      output: z.string().nullable(),
      scores,
      segment,
    })
    .refine((p) => p.status !== 'OK' || p.output !== null, {
      message: 'output must be set when status is OK',
    }),
  GroundTruthLabel: z.object({ requestId: id, model: id, label: id, timestamp: time, outcomes }),
  Evaluation: z.object({
    requestId: id,
    model: id,
    variant: id,
    latencyMs: latency,
    absError: latency.nullable(),
    logLoss: loss,
    brier: loss,
    segment,
    outcomes,
    predictedAt: time,
    labeledAt: time,
  }),
  VariantMetrics: z.object({
    model: id,
    variant: id,
    predictions: count,
    labelled: count,
    correct: count,
    errors: count,
    timeouts: count,
    expiredPredictions: count,
    pending: count,
    accuracy: share,
    errorRate: share,
    labelCoverage: share,
    at: time,
  }),
  RolloutCommand: z
    .object({
      commandId: id,
      rolloutId: id,
      model: id,
      stable: id,
      action: z.nativeEnum(RolloutAction),
      canaryWeight: share,
      issuedAt: time,
      basedOnSeq: count.nullable(),
    })
    .refine((c) => c.action !== 'SET_WEIGHT' || c.canaryWeight !== null, {
      message: 'canaryWeight is required for SET_WEIGHT',
    }),
  RolloutState: z.object({
    model: id,
    rolloutId: id,
    stable: id,
    canaryWeight: weight,
    seq: count,
    startedAt: time,
    updatedAt: time,
  }),
  ArmEvidence: z.object({
    sourcePartition: count,
    sourcePartitions: z.number().int().min(1, 'must be >= 1'),
    watermark: z.number().int(),
    bucketMs: z.number().int().min(1, 'must be >= 1'),
    maturityMs: count,
    routed: count,
    labelled: count,
    correct: count,
    errors: count,
    numeric: count,
    lateLabels: count,
    units: count,
    outputPairs: count,
    outputDisagreements: count,
    labelledPairs: count,
    shadowOnlyCorrect: count,
    stableOnlyCorrect: count,
    latencyZeros: count,
    absErrorSum: latency,
    absErrorSquares: latency,
    latencyAccuracy: z.number().gt(0, 'must be > 0').lt(1, 'must be < 1'),
    means: z.array(moments),
    segments: z.array(
      z.object({
        segment: id,
        labelled: count,
        correct: count,
        errors: count,
        means: z.array(moments),
      }),
    ),
  }),
  DecisionReport: z.object({
    decisionId: id,
    rolloutId: id,
    model: id,
    canaryWeight: weight,
    at: time,
  }),
};

/** The zod rules alone, without the fast path (for testing that the fast path implies them). */
export function zodIssueCount<E extends EventName>(event: E, value: EventTypes[E]): number {
  const result = rules[event].safeParse(value);
  return result.success ? 0 : result.error.issues.length;
}

/** Returns the rule violations of a decoded event ("field: message"), empty when valid. */
export function semanticIssues<E extends EventName>(event: E, value: EventTypes[E]): string[] {
  if (certainlyValid(event, value)) return [];
  const result = rules[event].safeParse(value);
  if (result.success) return [];
  return result.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join('.') : event}: ${i.message}`,
  );
}
