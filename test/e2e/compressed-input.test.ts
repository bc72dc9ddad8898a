import {
  exampleEvents,
  type EventName,
  type EventTypes,
  type RolloutState,
  type TopicSpec,
} from '@kanary/contracts';
import {
  compressionType,
  KafkaCompression,
  registerCompressionCodecs,
  type KafkaCompression as Codec,
} from '@kanary/kafka';
import { EvidenceFolder } from '@kanary/evidence';
import { collectMessages, disconnectTestClients, testInfra, waitFor } from '@kanary/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, MODEL, scenarioEnv, STABLE, startCanary } from '../support/canary-scenario.js';
import { readCommitted } from '../support/committed-records.js';
import { metricSum, scrapeMetrics } from '../support/prometheus-text.js';
import { ALL_SERVICES, ServicePipeline } from '../support/service-pipeline.js';

afterAll(disconnectTestClients);

/** What Java and librdkafka producers may use; kafkajs alone reads only gzip. */
const CODECS: readonly Codec[] = [
  KafkaCompression.GZIP,
  KafkaCompression.SNAPPY,
  KafkaCompression.LZ4,
  KafkaCompression.ZSTD,
];
const PER_CODEC = 3;

/**
 * The services compress their own output with four different codecs, so each also reads what
 * its upstream compressed: the worker LZ4 (routed), the evaluator ZSTD (predictions), the
 * decision service Snappy (evidence) and LZ4 (state).
 */
const SERVICE_COMPRESSION = {
  router: KafkaCompression.LZ4,
  'model-worker': KafkaCompression.ZSTD,
  evaluator: KafkaCompression.SNAPPY,
  decision: KafkaCompression.GZIP,
} as const;

let pipeline: ServicePipeline;
let rollout: RolloutState;
let producer: Producer;

beforeAll(async () => {
  const infra = testInfra();
  const scenario = scenarioEnv();
  pipeline = await ServicePipeline.create({
    brokers: infra.brokers,
    registryUrl: infra.registryUrl,
    partitions: 2,
    serviceEnv: Object.fromEntries(
      ALL_SERVICES.map((s) => [s, { ...scenario[s], KAFKA_COMPRESSION: SERVICE_COMPRESSION[s] }]),
    ),
  });
  await pipeline.registerSchemas();
  await pipeline.startAll();
  rollout = await startCanary(pipeline);
  // The services are separate processes: what this process registers does not reach them.
  registerCompressionCodecs();
  producer = pipeline.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await pipeline?.stopAll();
  await pipeline?.deleteTopics();
});

const ids = (codec: Codec, kind: string) =>
  Array.from({ length: PER_CODEC }, (_, i) => `${codec}-${kind}-${i}`);

/** Produces the events keyed by requestId, compressed with `codec`, in one batch. */
async function produce<E extends EventName>(
  topic: TopicSpec<E>,
  values: readonly EventTypes[E][],
  codec: Codec,
  key: (value: EventTypes[E]) => string,
): Promise<void> {
  const messages = await Promise.all(
    values.map(async (value) => ({
      key: key(value),
      value: await pipeline.codec.encode(topic, value),
    })),
  );
  await producer.send({
    topic: topic.name,
    messages,
    acks: -1,
    compression: compressionType(codec),
  });
}

/** Every ingress in one codec: requests, commands, routed requests, predictions, labels, evidence. */
async function produceEveryIngress(codec: Codec): Promise<void> {
  const { catalog } = pipeline;
  const e = exampleEvents;
  const now = Date.now();
  const byRequest = (v: { requestId: string }) => v.requestId;
  const common = { model: MODEL, features: '{"trueLabel":"rain","temp":12.5}', timestamp: now };
  const stable = { model: MODEL, rolloutId: rollout.rolloutId, variant: STABLE };
  const requests = ids(codec, 'req').map((requestId) => ({
    ...e.InferenceRequest,
    ...common,
    requestId,
    routingKey: `${requestId}-user`,
  }));
  await produce(catalog.requests, requests, codec, byRequest);
  const routed = ids(codec, 'routed').map((requestId) => ({
    ...e.RoutedRequest,
    ...common,
    ...stable,
    requestId,
    role: 'STABLE' as const,
    routedAt: now,
  }));
  await produce(catalog.routed, routed, codec, byRequest);
  const canary = { ...stable, variant: CANARY, timestamp: now };
  const predictions = ids(codec, 'pred').map((requestId) => ({
    ...e.Prediction,
    ...canary,
    requestId,
  }));
  await produce(catalog.predictions, predictions, codec, byRequest);
  const labels = [...ids(codec, 'req'), ...ids(codec, 'pred')].map((requestId) => ({
    ...e.GroundTruthLabel,
    requestId,
    model: MODEL,
    timestamp: now,
  }));
  await produce(catalog.labels, labels, codec, byRequest);
  // Evidence of a rollout of its own (judged by nobody), as another evaluator would write it.
  const evidence = ids(codec, 'evidence').map((rolloutId) => ({
    ...e.ArmEvidence,
    rolloutId,
    model: `compressed-${codec}`,
    sourcePartition: 0,
    sourcePartitions: 2,
  }));
  await produce(catalog.evidence, evidence, codec, EvidenceFolder.keyOf);
  const start = {
    ...e.RolloutCommand,
    commandId: `${codec}-start`,
    rolloutId: `${codec}-rollout`,
    model: `compressed-${codec}`,
    action: 'START' as const,
    stable: 'sim-a',
    canary: 'sim-b',
    canaryWeight: 0.1,
    stepIndex: null,
    basedOnSeq: null,
    issuedBy: 'OPERATOR' as const,
    issuedAt: now,
  };
  await produce(catalog.commands, [start], codec, (c) => c.model);
}

const requestIdsOf = async <E extends EventName>(topic: TopicSpec<E>) =>
  collectMessages<string>(topic.name, {
    kafka: pipeline.kafka,
    map: async (r) =>
      ((await pipeline.codec.decode(topic, r.value)) as { requestId: string }).requestId,
  });

const missing = (seen: readonly string[], expected: readonly string[]) => {
  const have = new Set(seen);
  return expected.filter((id) => !have.has(id));
};

describe('compressed input: every ingress reads gzip, Snappy, LZ4 and ZSTD', () => {
  it('routes, predicts, joins, applies and counts records of every codec, with no dead letter and no crash', async () => {
    const { catalog } = pipeline;
    const routed = await requestIdsOf(catalog.routed);
    const predictions = await requestIdsOf(catalog.predictions);
    const evaluations = await requestIdsOf(catalog.evaluations);
    try {
      for (const codec of CODECS) await produceEveryIngress(codec);

      // Router (requests), model worker (routed), evaluator (predictions and labels).
      const expectRouted = CODECS.flatMap((c) => ids(c, 'req'));
      const expectPredicted = CODECS.flatMap((c) => [...ids(c, 'req'), ...ids(c, 'routed')]);
      const expectEvaluated = CODECS.flatMap((c) => [...ids(c, 'req'), ...ids(c, 'pred')]);
      await routed.waitFor((seen) => missing(seen, expectRouted).length === 0, 90_000);
      await predictions.waitFor((seen) => missing(seen, expectPredicted).length === 0, 90_000);
      await evaluations.waitFor((seen) => missing(seen, expectEvaluated).length === 0, 90_000);

      // Router (commands): each codec's START applied.
      for (const codec of CODECS) {
        const state = await waitFor(
          async () => {
            const response = await fetch(
              `${pipeline.url('router')}/v1/rollouts/compressed-${codec}`,
            );
            return response.status === 200 ? ((await response.json()) as RolloutState) : undefined;
          },
          { timeoutMs: 60_000, description: `the START compressed with ${codec} applied` },
        );
        expect(state).toMatchObject({ phase: 'CANARY', rolloutId: `${codec}-rollout` });
      }
    } finally {
      await Promise.allSettled([routed.stop(), predictions.stop(), evaluations.stop()]);
    }

    // Decision service: it has read every record of its two inputs, the compressed ones too
    // (the evaluator goes on writing evidence: at least what was there).
    const inputs = [catalog.state, catalog.evidence];
    const committed = new Map<string, number>();
    for (const topic of inputs) {
      committed.set(topic.name, (await readCommitted(pipeline.kafka, topic)).length);
    }
    expect(committed.get(catalog.evidence.name)).toBeGreaterThanOrEqual(CODECS.length * PER_CODEC);
    let read: Record<string, number> = {};
    await waitFor(
      async () => {
        const text = await scrapeMetrics(pipeline.url('decision'));
        read = Object.fromEntries(
          inputs.map((t) => [
            t.name,
            metricSum(text, 'kanary_records_processed_total', { topic: t.name }),
          ]),
        );
        return inputs.every((t) => (read[t.name] ?? 0) >= (committed.get(t.name) ?? 0));
      },
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: () =>
          `the decision service to read ${JSON.stringify(Object.fromEntries(committed))} (read ${JSON.stringify(read)})`,
      },
    );

    // Nothing was dead-lettered and nothing crashed: one process per service, all healthy.
    expect(await readCommitted(pipeline.kafka, catalog.dlq)).toEqual([]);
    for (const service of ALL_SERVICES) {
      expect(pipeline.starts[service]).toBe(1);
      expect(pipeline.process(service)?.running).toBe(true);
      expect((await fetch(`${pipeline.url(service)}/healthz`)).status).toBe(200);
    }
  }, 240_000);
});
