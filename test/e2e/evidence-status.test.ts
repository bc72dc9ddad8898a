/**
 * `kanary rollout status --json` with two evaluator instances and rebalances mid-run: its per-arm
 * counts, accuracy and per-segment counts are exact — equal to what the evaluations topic holds —
 * because every reader merges the evidence of every source partition, whichever instance folded
 * it.
 */
import { buildProgram } from '@kanary/cli';
import { EventCodec, topicCatalog, type Evaluation } from '@kanary/contracts';
import { loadConfig, startEvaluator, type Evaluator } from '@kanary/evaluator';
import { ensureTopics } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { applyCommand } from '@kanary/rollout';
import { createRng } from '@kanary/stats';
import {
  connectedAdmin,
  connectedProducer,
  disconnectTestClients,
  kafkaForTests,
  testInfra,
  uniqueTopic,
  waitFor,
} from '@kanary/testkit';
import type { Producer } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommittedEvents } from '../support/committed-records.js';

afterAll(disconnectTestClients);

const MODEL = 'churn';
const PARTITIONS = 4;
const BATCHES = 3;
const PER_BATCH = 1_500;

interface ArmStatus {
  readonly variant: string;
  readonly role: string;
  readonly routed: number;
  readonly labelled: number;
  readonly correct: number;
  readonly accuracy: number | null;
  readonly segments: ReadonlyArray<{ segment: string; labelled: number; correct: number }>;
}

describe('rollout status from evidence', () => {
  it('gives exact per-arm counts, accuracy and segments with two evaluators and rebalances mid-run', async () => {
    const infra = testInfra();
    const prefix = uniqueTopic('evidence-status');
    const catalog = topicCatalog({ prefix, dataPartitions: PARTITIONS });
    await ensureTopics(await connectedAdmin(), catalog);
    const codec = new EventCodec({ url: infra.registryUrl });
    const producer: Producer = await connectedProducer({ idempotent: true });
    const env = {
      KAFKA_BROKERS: infra.brokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      KANARY_TOPIC_PREFIX: prefix,
      KANARY_DATA_PARTITIONS: String(PARTITIONS),
      OPS_PORT: '0',
      EVALUATOR_SESSION_TIMEOUT_MS: '6000',
      EVALUATOR_HEARTBEAT_INTERVAL_MS: '500',
      EVALUATOR_PUNCTUATE_INTERVAL_MS: '200',
      EVALUATOR_MAX_BYTES_PER_PARTITION: '16384',
    };
    const evaluators = new Map<string, Evaluator>();
    const start = async (instance: string) => {
      const evaluator = await startEvaluator(loadConfig({ ...env, KANARY_INSTANCE_ID: instance }), {
        logger: createLogger({ service: 'evaluator', level: 'silent', pretty: false }),
      });
      evaluators.set(instance, evaluator);
      await evaluator.ready;
      return evaluator;
    };
    const kanary = async (...args: string[]) => {
      const stdout: string[] = [];
      const { run } = buildProgram({ line: (t) => stdout.push(t), error: () => undefined });
      const code = await run([
        ...['--brokers', infra.brokers.join(','), '--registry', infra.registryUrl],
        ...['--prefix', prefix, '--partitions', String(PARTITIONS)],
        ...args,
      ]);
      return { code, stdout };
    };
    try {
      const startedAt = Date.now() - 1_000;
      const applied = applyCommand(
        undefined,
        {
          commandId: 'start',
          rolloutId: 'ro-status',
          model: MODEL,
          action: 'START',
          stable: 'churn-v1',
          canary: 'churn-v2',
          shadows: [],
          canaryWeight: 0.3,
          stepIndex: null,
          basedOnSeq: null,
          issuedBy: 'OPERATOR',
          reason: 'test',
          policy: null,
          issuedAt: startedAt,
          actor: null,
          candidates: [],
        },
        startedAt,
      );
      const state = applied.state!;
      await producer.send({
        topic: catalog.state.name,
        acks: -1,
        messages: [{ key: MODEL, value: await codec.encode(catalog.state, state) }],
      });

      const rng = createRng(17);
      const batch = async (n: number) => {
        const now = Date.now();
        const routed = [];
        const predictions = [];
        const labels = [];
        for (let i = 0; i < PER_BATCH; i += 1) {
          const requestId = `b${n}-${i}`;
          const canary = rng.next() < 0.3;
          const variant = canary ? 'churn-v2' : 'churn-v1';
          const role = canary ? ('CANARY' as const) : ('STABLE' as const);
          const common = { requestId, model: MODEL, rolloutId: state.rolloutId, variant, role };
          routed.push({
            key: requestId,
            value: await codec.encode(catalog.routed, {
              ...common,
              routingKey: `user-${i % 200}`,
              segment: null,
              features: '{}',
              timestamp: now,
              served: true,
              routedAt: now,
              dispatch: 'WORKER',
            }),
          });
          const right = rng.next() < (canary ? 0.7 : 0.8);
          predictions.push({
            key: requestId,
            value: await codec.encode(catalog.predictions, {
              scores: null,
              segment: rng.next() < 0.6 ? 'east' : 'west',
              ...common,
              served: true,
              output: right ? 'stays' : 'leaves',
              score: null,
              latencyMs: 5 + rng.next() * 20,
              status: 'OK' as const,
              error: null,
              timestamp: now,
            }),
          });
          if (rng.next() < 0.9) {
            labels.push({
              key: requestId,
              value: await codec.encode(catalog.labels, {
                outcomes: null,
                requestId,
                model: MODEL,
                label: 'stays',
                timestamp: now,
              }),
            });
          }
        }
        await producer.sendBatch({
          acks: -1,
          topicMessages: [
            { topic: catalog.routed.name, messages: routed },
            { topic: catalog.predictions.name, messages: predictions },
            { topic: catalog.labels.name, messages: labels },
          ],
        });
      };

      // Batch 0 with one instance, batch 1 after a second joined (a rebalance), batch 2 after
      // the first left (another one).
      await start('a');
      await batch(0);
      await start('b');
      await batch(1);
      await evaluators.get('a')!.stop();
      evaluators.delete('a');
      await batch(2);

      const expectedRouted = BATCHES * PER_BATCH;
      let arms: ArmStatus[] = [];
      let evaluations: Evaluation[] = [];
      await waitFor(
        async () => {
          evaluations = await readCommittedEvents(kafkaForTests(), codec, catalog.evaluations);
          const status = await kanary('rollout', 'status', '--model', MODEL, '--json');
          const [rollout] = JSON.parse(status.stdout[0] ?? '[]') as Array<{ arms: ArmStatus[] }>;
          arms = rollout?.arms ?? [];
          const routed = arms.reduce((sum, a) => sum + a.routed, 0);
          const labelled = arms.reduce((sum, a) => sum + a.labelled, 0);
          return routed === expectedRouted && labelled === evaluations.length && labelled > 0;
        },
        {
          timeoutMs: 120_000,
          intervalMs: 1_000,
          description: () =>
            `status to count ${expectedRouted} routed and every evaluation (${evaluations.length}): ${JSON.stringify(arms)}`,
        },
      );
      const exact = (variant: string) => {
        const mine = evaluations.filter((e) => e.variant === variant);
        const correct = mine.filter((e) => e.correct).length;
        return { labelled: mine.length, correct, accuracy: correct / mine.length };
      };
      const exactSegment = (variant: string, segment: string) => {
        const mine = evaluations.filter((e) => e.variant === variant && e.segment === segment);
        return { segment, labelled: mine.length, correct: mine.filter((e) => e.correct).length };
      };
      for (const variant of ['churn-v1', 'churn-v2']) {
        const arm = arms.find((a) => a.variant === variant);
        expect(arm).toMatchObject(exact(variant));
        // Most labelled first: east draws 60 % of the requests.
        expect(arm?.segments).toMatchObject([
          exactSegment(variant, 'east'),
          exactSegment(variant, 'west'),
        ]);
      }
      const text = await kanary('rollout', 'status', '--model', MODEL);
      expect(text.stdout.join('\n')).toMatch(
        /churn-v2: \d+ routed, \d+ labelled, accuracy [\d.]+%.*\n {4}segments: east [\d.]+% \([\d,]+\), west [\d.]+% \([\d,]+\)/,
      );
      expect(evaluations.length).toBeGreaterThan(0.85 * expectedRouted);
    } finally {
      await Promise.allSettled([...evaluators.values()].map((e) => e.stop()));
      await producer.disconnect();
    }
  }, 240_000);
});
