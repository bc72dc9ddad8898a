import {
  avroType,
  exampleEvents,
  type EventTypes,
  type RoutedRequest,
  type TopicSpec,
  type VariantMetrics,
} from '@kanary/contracts';
import { DlqHeader, dlqHeader } from '@kanary/kafka';
import { createMetricsRegistry } from '@kanary/observability';
import { connectedProducer, disconnectTestClients, waitFor, wrongKeys } from '@kanary/testkit';
import type { Message } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startEvaluator } from '../src/index.js';
import {
  committedEvaluations,
  compareExact,
  evaluatorFixture,
  inputProgress,
  labelled,
  predicted,
  produceRecords,
  quietLogger,
  readAll,
  readAllRaw,
  waitForInputsCommitted,
  workload,
} from './support.js';

afterAll(() => disconnectTestClients());

describe('evaluator on the broker', () => {
  it('joins 50,000+ interleaved predictions and labels into exactly the expected evaluations', async () => {
    const f = await evaluatorFixture(4);
    const run = workload(24_000, 1);
    expect(run.records.length).toBeGreaterThanOrEqual(50_000);
    await produceRecords(f, run.records);

    const config = f.config({ KANARY_INSTANCE_ID: 'solo' });
    const evaluator = await startEvaluator(config, { logger: quietLogger() });
    try {
      await evaluator.ready;
      const started = performance.now();
      await waitForInputsCommitted(f, config.groupId, 120_000);
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `[evaluator] ${run.records.length} records joined in ${seconds.toFixed(1)} s ` +
          `(${Math.round(run.records.length / seconds)} records/s, start-up and rejoin included)\n`,
      );
      const result = compareExact(await committedEvaluations(f), run.expected);
      expect(result).toEqual({
        count: run.expected.size,
        duplicates: [],
        missing: [],
        unexpected: [],
      });
      // Unlabelled predictions are still waiting (TTL 7 days), and nothing was dead-lettered.
      expect(evaluator.stats().pendingPredictions).toBeGreaterThan(0);
      expect(evaluator.runner.stats.deadLettered).toBe(0);
      const text = await evaluator.registry.metrics();
      expect(text).toMatch(/kanary_evaluations_total\{model="m",variant="stable-v1",role="STABLE"/);
      expect(text).toMatch(/kanary_join_pending\{kind="prediction"[^}]*\} [1-9]/);
    } finally {
      await evaluator.stop();
    }
  });

  it('keeps running when one batch of labels yields more evaluations than a produce request may hold', async () => {
    // Evaluations of one input partition all land on the evaluations partition with its number
    // (same key, same partition count), and each label here matches a stable and a shadow
    // prediction: ~0.8 MB of labels in one batch make ~2 MB of evaluations, beyond the broker's
    // message.max.bytes (1 MB) for one produce request.
    const f = await evaluatorFixture(1);
    const requests = 10_000;
    const predictions = Array.from({ length: requests }, (_, i) => [
      predicted(`${f.prefix}-${i}`, { variant: 'stable-v1' }),
      predicted(`${f.prefix}-${i}`, { variant: 'shadow-v2', role: 'SHADOW', served: false }),
    ]).flat();
    const config = f.config({ KANARY_INSTANCE_ID: 'big-batch' });
    const evaluator = await startEvaluator(config, { logger: quietLogger() });
    try {
      await evaluator.ready;
      let alive = true;
      const committedWhileAlive = (description: string) =>
        waitFor(
          async () => {
            alive = (await fetch(`http://127.0.0.1:${evaluator.opsPort}/healthz`)).ok;
            const { committed, end } = await inputProgress(f, config.groupId);
            return !alive || committed === end;
          },
          { timeoutMs: 120_000, description },
        );
      await produceRecords(f, predictions);
      await committedWhileAlive('every prediction committed, or the consumer stopping');
      expect(evaluator.stats().pendingPredictions).toBe(predictions.length);
      const labels = Array.from({ length: requests }, (_, i) => labelled(`${f.prefix}-${i}`));
      await produceRecords(f, labels, requests);
      await committedWhileAlive('every label committed, or the consumer stopping');
      expect(alive).toBe(true);
      expect(await committedEvaluations(f)).toHaveLength(predictions.length);
    } finally {
      await evaluator.stop();
    }
  });

  it('expires an unmatched prediction after the TTL on an idle topic and reports it in the metrics topic', async () => {
    const f = await evaluatorFixture(2);
    await produceRecords(f, [
      predicted('never-labelled', { rolloutId: 'ro-ttl', variant: 'v-exp' }),
      predicted('labelled', { rolloutId: 'ro-ttl', variant: 'v-ok' }),
      labelled('labelled'),
    ]);
    const config = f.config({
      KANARY_INSTANCE_ID: 'ttl',
      EVALUATOR_TTL_MS: '2000',
      EVALUATOR_METRICS_INTERVAL_MS: '500',
      EVALUATOR_PUNCTUATE_INTERVAL_MS: '100',
    });
    const registry = createMetricsRegistry('evaluator-test', { processMetrics: false });
    const evaluator = await startEvaluator(config, { logger: quietLogger(), registry });
    try {
      await evaluator.ready;
      const expiredIn = async (): Promise<VariantMetrics | undefined> => {
        const metrics = await readAll(f, f.catalog.metrics, (v) =>
          f.codec.decode(f.catalog.metrics, v),
        );
        return metrics.find((m) => m.variant === 'v-exp' && m.expiredPredictions === 1);
      };
      const expired = await waitFor(expiredIn, { timeoutMs: 30_000, intervalMs: 500 });
      expect(expired).toMatchObject({
        rolloutId: 'ro-ttl',
        predictions: 1,
        labelled: 0,
        pending: 0,
        labelCoverage: 0,
      });
      expect(await committedEvaluations(f)).toEqual(['labelled|v-ok|true']);
      expect(await registry.metrics()).toMatch(
        /kanary_join_expired_total\{kind="prediction"[^}]*\} 1\n/,
      );
    } finally {
      await evaluator.stop();
    }
  });

  it('dead-letters undecodable and invalid predictions and labels with the reason, and joins the rest', async () => {
    const f = await evaluatorFixture(1);
    const good = predicted(`${f.prefix}-good`).value;
    const wire = async (topic: typeof f.catalog.predictions | typeof f.catalog.labels) => {
      const header = Buffer.alloc(5);
      header.writeInt32BE(await f.codec.register(topic), 1);
      return (value: unknown) =>
        Buffer.concat([header, avroType(topic.event).toBuffer(value as never)]);
    };
    const prediction = await wire(f.catalog.predictions);
    const label = await wire(f.catalog.labels);
    const producer = await connectedProducer({ idempotent: true });
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        {
          topic: f.catalog.predictions.name,
          messages: [
            { key: 'garbage', value: Buffer.from('not avro at all') },
            // Decodable, but OK without an output: a rule the wire cannot express.
            {
              key: 'no-output',
              value: prediction({ ...good, requestId: 'no-output', output: null }),
            },
            { key: good.requestId, value: prediction(good) },
          ],
        },
        {
          topic: f.catalog.labels.name,
          messages: [
            // Timestamp in seconds instead of milliseconds.
            {
              key: good.requestId,
              value: label(labelled(good.requestId, { timestamp: 1_767_225_600 }).value),
            },
            { key: good.requestId, value: label(labelled(good.requestId).value) },
          ],
        },
      ],
    });
    await producer.disconnect();
    const config = f.config({ KANARY_INSTANCE_ID: 'dlq' });
    const evaluator = await startEvaluator(config, { logger: quietLogger() });
    try {
      await evaluator.ready;
      await waitForInputsCommitted(f, config.groupId, 60_000);
      expect(await committedEvaluations(f)).toEqual([`${good.requestId}|v1|true`]);
      const letters = await readAllRaw(f, f.catalog.dlq);
      const reasons = letters.map((r) => ({
        key: r.key?.toString(),
        topic: dlqHeader(r.headers, DlqHeader.sourceTopic),
        error: dlqHeader(r.headers, DlqHeader.errorClass),
        service: dlqHeader(r.headers, DlqHeader.service),
      }));
      expect(reasons).toEqual(
        expect.arrayContaining([
          {
            key: 'garbage',
            topic: f.catalog.predictions.name,
            error: 'DecodeError',
            service: 'evaluator',
          },
          {
            key: 'no-output',
            topic: f.catalog.predictions.name,
            error: 'ValidationError',
            service: 'evaluator',
          },
          {
            key: good.requestId,
            topic: f.catalog.labels.name,
            error: 'ValidationError',
            service: 'evaluator',
          },
        ]),
      );
      expect(letters).toHaveLength(3);
      expect(evaluator.runner.stats.deadLettered).toBe(3);
    } finally {
      await evaluator.stop();
    }
  });

  it('dead-letters routed requests, predictions and labels without a key or not keyed by their requestId, counts them, and joins the records around them', async () => {
    const f = await evaluatorFixture(1);
    const id = (name: string) => `${f.prefix}-${name}`;
    const noRollout = { rolloutId: null };
    const routedOf = (requestId: string): RoutedRequest => ({
      ...exampleEvents.RoutedRequest,
      ...noRollout,
      requestId,
      timestamp: Date.now(),
      routedAt: Date.now(),
    });
    const { routed, predictions, labels } = f.catalog;
    // Per topic: a correct record, the mis-keyed ones, another correct record (one partition).
    const keyed = async <E extends 'RoutedRequest' | 'Prediction' | 'GroundTruthLabel'>(
      topic: TopicSpec<E>,
      value: (requestId: string) => EventTypes[E],
      misKeyed: string,
    ): Promise<Message[]> => {
      const encode = (requestId: string) => f.codec.encode(topic, value(requestId));
      return [
        { key: id('before'), value: await encode(id('before')) },
        ...(await Promise.all(
          wrongKeys(misKeyed).map(async ({ key }) => ({ key, value: await encode(misKeyed) })),
        )),
        { key: id('after'), value: await encode(id('after')) },
      ];
    };
    // The prediction of "no-prediction" and the label of "no-label" are the mis-keyed ones; their
    // other sides are keyed right and wait.
    const producer = await connectedProducer({ idempotent: true });
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        { topic: routed.name, messages: await keyed(routed, routedOf, id('no-prediction')) },
        {
          topic: predictions.name,
          messages: [
            ...(await keyed(
              predictions,
              (r) => predicted(r, noRollout).value,
              id('no-prediction'),
            )),
            {
              key: id('no-label'),
              value: await f.codec.encode(predictions, predicted(id('no-label'), noRollout).value),
            },
          ],
        },
        {
          topic: labels.name,
          messages: [
            ...(await keyed(labels, (r) => labelled(r).value, id('no-label'))),
            {
              key: id('no-prediction'),
              value: await f.codec.encode(labels, labelled(id('no-prediction')).value),
            },
          ],
        },
      ],
    });
    await producer.disconnect();

    const config = f.config({ KANARY_INSTANCE_ID: 'keys' });
    const evaluator = await startEvaluator(config, { logger: quietLogger() });
    try {
      await evaluator.ready;
      await evaluator.runner.catchUp(60_000);
      // Every input's letters are committed with its batch; wait for all of them.
      const raw = await waitFor(
        async () => {
          const all = await readAllRaw(f, f.catalog.dlq);
          return all.length >= 9 ? all : undefined;
        },
        { timeoutMs: 60_000, description: 'nine dead letters' },
      );
      expect((await committedEvaluations(f)).sort()).toEqual([
        `${id('after')}|v1|true`,
        `${id('before')}|v1|true`,
      ]);
      expect(evaluator.stats()).toMatchObject({ pendingPredictions: 1, pendingLabels: 1 });
      const letters = raw.map((r) => ({
        topic: dlqHeader(r.headers, DlqHeader.sourceTopic),
        key: r.key,
        error: dlqHeader(r.headers, DlqHeader.errorClass),
        message: dlqHeader(r.headers, DlqHeader.errorMessage),
      }));
      const expected = (topic: string, requestId: string) =>
        wrongKeys(requestId).map(({ key }) => ({
          topic,
          key,
          error: 'KeyMismatchError',
          message: expect.stringContaining(
            `requestId "${requestId}": produce with key = requestId (UTF-8)`,
          ),
        }));
      expect(letters).toHaveLength(9);
      expect(letters).toEqual(
        expect.arrayContaining([
          ...expected(routed.name, id('no-prediction')),
          ...expected(predictions.name, id('no-prediction')),
          ...expected(labels.name, id('no-label')),
        ]),
      );
      expect(evaluator.runner.stats.deadLettered).toBe(9);
      const metrics = await evaluator.registry.metrics();
      for (const topic of [routed, predictions, labels]) {
        expect(metrics).toContain(
          `kanary_dlq_records_total{topic="${topic.name}",error="KeyMismatchError",service="evaluator"} 3`,
        );
      }
    } finally {
      await evaluator.stop();
    }
  });
});
