import { randomUUID } from 'node:crypto';
import {
  EventCodec,
  topicCatalog,
  type EventName,
  type EventTypes,
  type GroundTruthLabel,
  type Prediction,
  type RolloutCommand,
  type RolloutState,
  type RoutedRequest,
  type TopicCatalog,
  type TopicKey,
  type TopicSpec,
} from '@kanary/contracts';
import {
  loadConfig as loadEvaluatorConfig,
  startEvaluator,
  type Evaluator,
} from '@kanary/evaluator';
import { ensureTopics } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import type { PolicyInput } from '@kanary/rollout';
import { loadRouterConfig, startRouter, type Router } from '@kanary/router';
import { createRng } from '@kanary/stats';
import {
  collectMessages,
  connectedAdmin,
  connectedProducer,
  kafkaForTests,
  testInfra,
  uniqueTopic,
  waitFor,
  type MessageCollector,
} from '@kanary/testkit';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import {
  loadDecisionConfig,
  startDecisionService,
  type DecisionService,
  type DecisionServiceDeps,
} from '../src/index.js';

export const MODEL = 'fraud';

/**
 * Labels are immediate in these tests; the latency and error-rate guardrails are off (proving
 * "no worse by more than one point" of a zero error rate needs thousands of samples).
 */
export const FAST_POLICY: PolicyInput = {
  steps: [0.2, 0.5],
  minSamplesPerStep: 100,
  labelMaturityMs: 0,
  latency: { enabled: false },
  errorRate: { enabled: false },
};
export const STABLE = 'fraud-v1';
export const CANARY = 'fraud-v2';

/** One test's topics (a fresh prefix), codec and producer, and the services it started. */
export interface DecisionBed {
  readonly prefix: string;
  readonly catalog: TopicCatalog;
  readonly codec: EventCodec;
  /** A client of this bed's broker. */
  readonly kafka: Kafka;
  /** The environment every service of this bed starts with (broker, registry, topics). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Starts a decision service on this bed's topics and waits until it is ready (`deps`: its
   * collaborators other than the logger, e.g. an engine the test observes).
   */
  decision(
    env?: Record<string, string>,
    deps?: Omit<DecisionServiceDeps, 'logger'>,
  ): Promise<DecisionService>;
  /** Starts a router on this bed's topics (it applies the commands) and waits until it is ready. */
  router(): Promise<Router>;
  /** Starts an evaluator on this bed's topics (it folds the evidence) and waits until it is ready. */
  evaluator(env?: Record<string, string>): Promise<Evaluator>;
  /** Produces a step's traffic: routed requests, predictions and labels. */
  send(traffic: Traffic): Promise<void>;
  produce<E extends EventName>(
    topic: TopicSpec<E>,
    values: readonly EventTypes[E][],
    key: (value: EventTypes[E]) => string,
  ): Promise<void>;
  /** Produces raw bytes (for records that must be dead-lettered). */
  produceRaw(topic: string, key: string, value: Buffer): Promise<void>;
  /** Decoded records of a topic, collected in the background from the beginning. */
  collect<E extends EventName>(topic: TopicSpec<E>): Promise<MessageCollector<EventTypes[E]>>;
  close(): Promise<void>;
}

/** Where a bed runs and how its topics are made, when not the defaults. */
export interface DecisionBedOptions {
  /** Another broker than the shared test broker (a private one). @default the test broker */
  readonly brokers?: readonly string[];
  /** Settings added to the catalog's own, per topic (e.g. a short retention of the data). */
  readonly topicConfig?: Partial<Record<TopicKey, Readonly<Record<string, string>>>>;
}

export async function decisionBed(options: DecisionBedOptions = {}): Promise<DecisionBed> {
  const prefix = uniqueTopic('decision');
  const infra = testInfra();
  const brokers = [...(options.brokers ?? infra.brokers)];
  const kafka = kafkaForTests({ brokers });
  const catalog = topicCatalog({ prefix, dataPartitions: 2 });
  const specs = (Object.entries(catalog) as Array<[TopicKey, TopicSpec]>).map(([key, spec]) => ({
    ...spec,
    config: { ...spec.config, ...options.topicConfig?.[key] },
  }));
  const admin = await connectedAdmin(kafka);
  // A just-created topic can answer "not the leader" for a moment; wait until every one serves.
  await waitFor(() => ensureTopics(admin, specs).then(() => true), { timeoutMs: 60_000 });
  for (const topic of specs) {
    await waitFor(() => admin.fetchTopicOffsets(topic.name), { timeoutMs: 60_000 });
  }
  const codec = new EventCodec({ url: infra.registryUrl });
  const producer: Producer = await connectedProducer(
    { idempotent: true, createPartitioner: Partitioners.DefaultPartitioner },
    kafka,
  );
  const stoppable: Array<{ stop(): Promise<void> }> = [];
  const logLevel = process.env.KANARY_TEST_DEBUG ? 'debug' : 'silent';
  const baseEnv = {
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    KANARY_TOPIC_PREFIX: prefix,
    KANARY_DATA_PARTITIONS: '2',
    LOG_LEVEL: logLevel,
  };
  const produce: DecisionBed['produce'] = async (topic, values, key) => {
    for (let i = 0; i < values.length; i += 2_000) {
      const messages = await Promise.all(
        values.slice(i, i + 2_000).map(async (value) => ({
          key: key(value),
          value: await codec.encode(topic, value),
        })),
      );
      await producer.sendBatch({ topicMessages: [{ topic: topic.name, messages }], acks: -1 });
    }
  };
  return {
    prefix,
    catalog,
    codec,
    kafka,
    env: baseEnv,
    decision: async (env = {}, deps = {}) => {
      const config = loadDecisionConfig({
        ...baseEnv,
        DECISION_INTERVAL_MS: '200',
        DECISION_OPS_PORT: '0',
        DECISION_OPS_HOST: '127.0.0.1',
        KANARY_INSTANCE_ID: `decision-${randomUUID().slice(0, 8)}`,
        ...env,
      });
      const logger = createLogger({ service: 'decision', level: logLevel, pretty: false });
      const service = await startDecisionService(config, { ...deps, logger });
      stoppable.push(service);
      await service.ready;
      return service;
    },
    router: async () => {
      const config = loadRouterConfig({
        ...baseEnv,
        ROUTER_HTTP_PORT: '0',
        ROUTER_HTTP_HOST: '127.0.0.1',
        ROUTER_SESSION_TIMEOUT_MS: '6000',
      });
      const logger = createLogger({ service: 'router', level: logLevel, pretty: false });
      const router = await startRouter(config, { logger });
      stoppable.push(router);
      await router.ready;
      return router;
    },
    evaluator: async (env = {}) => {
      const config = loadEvaluatorConfig({
        ...baseEnv,
        OPS_PORT: '0',
        EVALUATOR_PUNCTUATE_INTERVAL_MS: '100',
        EVALUATOR_WATERMARK_LATENESS_MS: '300',
        EVALUATOR_SESSION_TIMEOUT_MS: '6000',
        EVALUATOR_HEARTBEAT_INTERVAL_MS: '500',
        KANARY_INSTANCE_ID: `evaluator-${randomUUID().slice(0, 8)}`,
        ...env,
      });
      const logger = createLogger({ service: 'evaluator', level: logLevel, pretty: false });
      const evaluator = await startEvaluator(config, { logger });
      stoppable.push(evaluator);
      await evaluator.ready;
      return evaluator;
    },
    send: async (traffic) => {
      await produce(catalog.routed, traffic.routed, (r) => r.requestId);
      await produce(catalog.predictions, traffic.predictions, (p) => p.requestId);
      await produce(catalog.labels, traffic.labels, (l) => l.requestId);
    },
    produce,
    produceRaw: async (topic, key, value) => {
      await producer.send({ topic, messages: [{ key, value }], acks: -1 });
    },
    collect: async (topic) => {
      const collector = await collectMessages(topic.name, {
        map: (record) => codec.decode(topic, record.value),
        kafka,
      });
      stoppable.push(collector);
      return collector;
    },
    close: async () => {
      await Promise.allSettled(stoppable.map((s) => s.stop()));
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/** The operator's START of rollout `rolloutId` at the first of `policy.steps`. */
export function startCommand(rolloutId: string, policy: PolicyInput): RolloutCommand {
  const steps = policy.steps ?? [0.01];
  return {
    commandId: randomUUID(),
    rolloutId,
    model: MODEL,
    action: 'START',
    stable: STABLE,
    canary: CANARY,
    shadows: [],
    canaryWeight: steps[0] ?? 0.01,
    stepIndex: 0,
    basedOnSeq: null,
    issuedBy: 'OPERATOR',
    reason: 'integration test',
    policy: JSON.stringify(policy),
    issuedAt: Date.now(),
    actor: null,
    candidates: [],
  };
}

export interface Traffic {
  readonly routed: RoutedRequest[];
  readonly predictions: Prediction[];
  readonly labels: GroundTruthLabel[];
}

/**
 * Seeded traffic of one step of `state`: `perArm.stable` and `perArm.canary` served requests,
 * each routed, predicted (right with the arm's accuracy) and labelled at once, timestamped now.
 * Waits until the step is a second old: the statistics count in whole one-second buckets, and a
 * bucket that straddles the step's start belongs to the step before.
 */
export async function stepTraffic(
  state: RolloutState,
  tag: string,
  perArm: { stable: number; canary: number },
  accuracy: { stable: number; canary: number },
  seed: number,
): Promise<Traffic> {
  const rng = createRng(seed);
  const at = await waitFor(() => {
    const now = Date.now();
    return now >= state.stepStartedAt + 1_000 ? now : undefined;
  });
  const routed: RoutedRequest[] = [];
  const predictions: Prediction[] = [];
  const labels: GroundTruthLabel[] = [];
  for (const arm of ['stable', 'canary'] as const) {
    for (let i = 0; i < perArm[arm]; i += 1) {
      const request = servedRequest(state.rolloutId, arm, `${tag}-${arm}-${i}`, at, {
        correct: rng.next() < accuracy[arm],
        latencyMs: 20 + 10 * rng.next(),
      });
      routed.push(request.routed);
      predictions.push(request.prediction);
      labels.push(request.label);
    }
  }
  return { routed, predictions, labels };
}

/** One request's records. */
export interface RequestRecords {
  readonly routed: RoutedRequest;
  readonly prediction: Prediction;
  readonly label: GroundTruthLabel;
}

/**
 * A request served by `arm` of rollout `rolloutId` (null: before any rollout): routed and
 * predicted at `at` (the answer right or wrong), labelled 'fraud' at `labelledAt` (@default
 * `at`), answered by `variant` (@default the arm's: STABLE or CANARY).
 */
export function servedRequest(
  rolloutId: string | null,
  arm: 'stable' | 'canary',
  requestId: string,
  at: number,
  answer: { readonly correct: boolean; readonly latencyMs: number },
  labelledAt = at,
  variant = arm === 'stable' ? STABLE : CANARY,
): RequestRecords {
  const role = arm === 'stable' ? 'STABLE' : 'CANARY';
  return {
    routed: {
      requestId,
      model: MODEL,
      routingKey: `${requestId}-user`,
      features: '{}',
      timestamp: at,
      rolloutId,
      variant,
      role,
      served: true,
      routedAt: at,
      dispatch: 'WORKER',
      segment: null,
    },
    prediction: {
      scores: null,
      segment: null,
      requestId,
      model: MODEL,
      rolloutId,
      variant,
      role,
      served: true,
      output: answer.correct ? 'fraud' : 'legit',
      score: null,
      latencyMs: answer.latencyMs,
      status: 'OK',
      error: null,
      timestamp: at,
    },
    label: { requestId, model: MODEL, label: 'fraud', timestamp: labelledAt, outcomes: null },
  };
}

/** Waits until the router's state of the model reaches `seq`. */
export const stateAt = (router: Router, seq: number): Promise<RolloutState> =>
  waitFor(
    () => {
      const state = router.rollout(MODEL);
      return state !== undefined && state.seq >= seq ? state : undefined;
    },
    { timeoutMs: 60_000, description: () => `state seq ${seq} (at ${router.rollout(MODEL)?.seq})` },
  );

/** Waits until the service's engine has the rollout at `stepIndex` (it reads rollout.state). */
export const knows = (service: DecisionService, rolloutId: string, stepIndex: number) =>
  waitFor(
    () =>
      service.engine
        .summary(Date.now())
        .some((s) => s.rolloutId === rolloutId && s.stepIndex === stepIndex),
    { timeoutMs: 60_000, description: `the engine at ${rolloutId} step ${stepIndex}` },
  );

/** The value of the first metric line matching `line` (0 when none). */
export const metricValue = async (service: DecisionService, line: RegExp): Promise<number> => {
  const text = await service.registry.metrics();
  const match = text.split('\n').find((l) => line.test(l));
  return match === undefined ? 0 : Number(match.split(' ').at(-1));
};
