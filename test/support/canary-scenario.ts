import type {
  DecisionReport,
  GroundTruthLabel,
  Prediction,
  RolloutState,
  RoutedRequest,
} from '@kanary/contracts';
import { rolloutTerms } from '@kanary/evidence';
import type { PolicyInput } from '@kanary/rollout';
import { collectMessages, type MessageCollector, testInfra, waitFor } from '@kanary/testkit';
import { constantDelay, runTraffic, SourceKind, type TrafficReport } from '@kanary/traffic';
import type { GroupInput } from './group-progress.js';
import { metricSum, scrapeMetrics } from './prometheus-text.js';
import { startRollout } from './rollout-api.js';
import { OPERATOR_TOKEN, ServicePipeline, type PipelineOptions } from './service-pipeline.js';

/** The model of the reliability suites, its variants (simulated, seeded) and their classes. */
export const MODEL = 'chaos';
export const STABLE = 'sim-stable';
export const CANARY = 'sim-canary';
export const CANARY_WEIGHT = 0.3;
const CLASSES = ['sunny', 'rain', 'fog'];

/** The worker's variants: deterministic per request (hash-keyed draws), with some failures. */
export const SIM_VARIANTS = {
  [STABLE]: { kind: 'sim', seed: 1, accuracy: 0.8, classes: CLASSES, errorRate: 0.01 },
  [CANARY]: { kind: 'sim', seed: 2, accuracy: 0.82, classes: CLASSES, errorRate: 0.01 },
} as const;

/**
 * A policy that only ever holds: the step minimum is out of reach, so the routing table stays as
 * started and every request's variant depends on its routing key alone. Labels count on arrival
 * (maturity 0) and no latency threshold is fixed (the reference never fills), so the statistics
 * are sums that do not depend on the order the decision service reads its partitions in — an
 * uninterrupted run and any restarted one must reach exactly the same numbers.
 */
export const HOLDING_POLICY: PolicyInput = {
  steps: [CANARY_WEIGHT],
  minSamplesPerStep: 1_000_000_000,
  labelMaturityMs: 0,
  latency: { enabled: false, referenceSamples: 1_000_000_000 },
  errorRate: { enabled: false },
};

/** Service variables of the scenario (router defaults, worker variants). */
export const scenarioEnv = (): NonNullable<PipelineOptions['serviceEnv']> => ({
  router: { ROUTER_DEFAULT_VARIANTS: `${MODEL}=${STABLE}` },
  'model-worker': { WORKER_VARIANTS: JSON.stringify(SIM_VARIANTS) },
});

/**
 * A pipeline of the scenario's services on the test broker and registry, its topics created and
 * nothing started; `options` on top.
 */
export function scenarioPipeline(options: Partial<PipelineOptions> = {}): Promise<ServicePipeline> {
  const infra = testInfra();
  return ServicePipeline.create({
    brokers: infra.brokers,
    registryUrl: infra.registryUrl,
    serviceEnv: scenarioEnv(),
    ...options,
  });
}

/** Starts the scenario's canary rollout through the router's operator API. */
export const startCanary = (pipeline: ServicePipeline): Promise<RolloutState> =>
  startRollout(pipeline.url('router'), OPERATOR_TOKEN, MODEL, {
    canary: CANARY,
    canaryWeight: CANARY_WEIGHT,
    policy: HOLDING_POLICY,
  });

/**
 * Sends `count` requests at `rate` per second with their true labels (the synthetic source puts
 * the truth in the features for the simulated variants; each label follows its request after
 * 200 ms). Never rejects: the outcome is returned, so a test can keep acting meanwhile.
 */
export function sendTraffic(
  pipeline: ServicePipeline,
  options: { count: number; rate: number; seed: number },
): Promise<{ report?: TrafficReport; error?: unknown }> {
  return runTraffic({
    kafka: pipeline.kafka,
    codec: pipeline.codec,
    catalog: pipeline.catalog,
    model: MODEL,
    source: { kind: SourceKind.SYNTHETIC, classes: CLASSES },
    rate: options.rate,
    count: options.count,
    seed: options.seed,
    runId: `s${options.seed}`,
    labels: { seed: options.seed, delay: constantDelay(200), unlabelledFraction: 0 },
  }).then(
    (report) => ({ report }),
    (error: unknown) => ({ error }),
  );
}

/** The exactly-once consumer groups of the pipeline and the topics they consume. */
export const exactlyOnceGroups = (pipeline: ServicePipeline): GroupInput[] => {
  const { prefix, catalog } = pipeline;
  const routed = catalog.routed.name;
  const predictions = catalog.predictions.name;
  return [
    { groupId: `${prefix}.router`, topics: [catalog.requests.name] },
    { groupId: `${prefix}.model-worker`, topics: [routed], transactional: [routed] },
    {
      groupId: `${prefix}.evaluator`,
      topics: [routed, predictions, catalog.labels.name],
      transactional: [routed, predictions],
    },
  ];
};

/**
 * The first decision report judged over all of `records`: once the decision service's evidence
 * watermark (the lowest of every source partition's, from its `kanary_decision_lag_seconds`)
 * has passed the latest event time of the records by a bucket and the label maturity window, so
 * that every bucket holding them is complete and mature.
 */
export async function reportOverAll(
  pipeline: ServicePipeline,
  reports: MessageCollector<DecisionReport>,
  records: {
    readonly states: readonly RolloutState[];
    readonly routed: readonly RoutedRequest[];
    readonly predictions: readonly Prediction[];
    readonly labels: readonly GroundTruthLabel[];
  },
  timeoutMs: number,
): Promise<DecisionReport> {
  const url = pipeline.url('decision');
  const state = records.states.filter((s) => s.model === MODEL).at(-1);
  if (state === undefined) throw new Error(`no state of ${MODEL} on the topic`);
  const { bucketMs, maturityMs } = rolloutTerms(state);
  let latest = 0;
  for (const r of records.routed) latest = Math.max(latest, r.routedAt);
  for (const p of records.predictions) latest = Math.max(latest, p.timestamp);
  for (const l of records.labels) latest = Math.max(latest, l.timestamp);
  const needed = latest + bucketMs + maturityMs;
  let evidenceTime = 0;
  await waitFor(
    async () => {
      const before = Date.now();
      const lagSeconds = metricSum(await scrapeMetrics(url), 'kanary_decision_lag_seconds', {});
      evidenceTime = lagSeconds > 0 ? before - lagSeconds * 1_000 : 0;
      return evidenceTime >= needed;
    },
    {
      timeoutMs,
      intervalMs: 250,
      description: () =>
        `the decision service's evidence to pass ${needed} (at ${Math.round(evidenceTime)})`,
    },
  );
  const readAt = Date.now();
  const after = (r: DecisionReport) => r.model === MODEL && r.at > readAt;
  const all = await reports.waitFor((rs) => rs.some(after), timeoutMs);
  return all.find(after)!;
}

/** What a test watches while the pipeline runs: committed evaluations and decision reports. */
export interface PipelineWatch {
  /** One entry per committed evaluation (the values are not kept). */
  readonly evaluations: MessageCollector<null>;
  readonly reports: MessageCollector<DecisionReport>;
  stop(): Promise<void>;
}

export async function watchPipeline(pipeline: ServicePipeline): Promise<PipelineWatch> {
  const evaluations = await collectMessages<null>(pipeline.catalog.evaluations.name, {
    kafka: pipeline.kafka,
    map: () => null,
  });
  const reports = await collectMessages<DecisionReport>(pipeline.catalog.decisions.name, {
    kafka: pipeline.kafka,
    map: (r) => pipeline.codec.decode(pipeline.catalog.decisions, r.value),
  });
  return {
    evaluations,
    reports,
    stop: async () => {
      await Promise.allSettled([evaluations.stop(), reports.stop()]);
    },
  };
}
