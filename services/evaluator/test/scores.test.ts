/**
 * Class probabilities, segments and outcomes on the broker: predictions with scores and a segment
 * and labels with outcomes give evaluations with log-loss, Brier score, segment and outcomes, and
 * evidence and metrics with their moments — across a restart in the middle of the run, so the
 * second instance's numbers include what the first one folded (restored from the changelog and
 * the evidence topic).
 */
import type { ArmEvidence, Evaluation, VariantMetrics } from '@kanary/contracts';
import {
  EvidenceBook,
  MeanMetric,
  momentsOf,
  outcomeMetric,
  type ArmTotals,
} from '@kanary/evidence';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { startEvaluator } from '../src/index.js';
import { startWorkloadRollout } from './evidence-check.js';
import {
  evaluatorFixture,
  labelled,
  predicted,
  produceRecords,
  quietLogger,
  readAll,
  waitForInputsCommitted,
  type EvaluatorFixture,
  type JoinRecord,
} from './support.js';

afterAll(() => disconnectTestClients());

const REQUESTS = 60;
const SEGMENTS = ['eu', 'us', 'apac'];

interface Expected {
  readonly logLoss: number;
  readonly brier: number;
  readonly segment: string;
  readonly correct: boolean;
  readonly revenue: number;
}

/**
 * Request i of the run: a served stable prediction of "a" or "b" with probabilities, in one of
 * three segments, and its label with a revenue outcome; and what its evaluation must carry,
 * computed here by hand (−ln max(p(label), 1e-4); Σ_k (p_k − [k = label])²).
 */
function request(prefix: string, i: number, at: number) {
  const requestId = `${prefix}-${i}`;
  const pA = [0.9, 0.6, 0.25, 1][i % 4] as number;
  const label = i % 5 === 0 ? 'b' : 'a';
  const output = pA >= 0.5 ? 'a' : 'b';
  const segment = SEGMENTS[i % SEGMENTS.length] as string;
  const pLabel = label === 'a' ? pA : 1 - pA;
  const records: JoinRecord[] = [
    predicted(requestId, {
      variant: 'stable-v1',
      output,
      scores: { a: pA, b: 1 - pA },
      segment,
      timestamp: at,
    }),
    labelled(requestId, { label, outcomes: { revenue: i }, timestamp: at + 1 }),
  ];
  const expected: Expected = {
    logLoss: -Math.log(Math.max(pLabel, 1e-4)),
    brier: (1 - pLabel) ** 2 + (1 - pLabel) ** 2,
    segment,
    correct: output === label,
    revenue: i,
  };
  return { requestId, records, expected };
}

/** The stable arm's evidence, every source partition merged. */
async function stableEvidence(f: EvaluatorFixture): Promise<ArmTotals | undefined> {
  const book = new EvidenceBook();
  const records = await readAll<ArmEvidence>(f, f.catalog.evidence, (v) =>
    f.codec.decode(f.catalog.evidence, v),
  );
  for (const record of records) book.apply(record);
  return book.armTotals('ro-1').find((t) => t.arm.variant === 'stable-v1');
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('evaluator with class probabilities, segments and outcomes', () => {
  it('scores every evaluation and folds the moments into evidence and metrics, across a restart', async () => {
    const f = await evaluatorFixture(2);
    const now = Date.now();
    await startWorkloadRollout(f, now - 60_000);
    const requests = Array.from({ length: REQUESTS }, (_, i) => request(f.prefix, i, now + i));
    const config = (instance: string) =>
      f.config({ KANARY_INSTANCE_ID: instance, EVALUATOR_METRICS_INTERVAL_MS: '500' });
    const produce = (part: typeof requests) =>
      produceRecords(
        f,
        part.flatMap((r) => r.records),
      );

    await produce(requests.slice(0, REQUESTS / 2));
    const first = await startEvaluator(config('first'), { logger: quietLogger() });
    try {
      await first.ready;
      await waitForInputsCommitted(f, config('first').groupId, 60_000);
    } finally {
      await first.stop();
    }

    const evaluator = await startEvaluator(config('second'), { logger: quietLogger() });
    try {
      await produce(requests.slice(REQUESTS / 2));
      await evaluator.ready;
      await waitForInputsCommitted(f, config('second').groupId, 60_000);

      // Every evaluation carries its scores, segment and outcomes.
      const evaluations = await readAll<Evaluation>(f, f.catalog.evaluations, (v) =>
        f.codec.decode(f.catalog.evaluations, v),
      );
      expect(evaluations).toHaveLength(REQUESTS);
      const byId = new Map(evaluations.map((e) => [e.requestId, e]));
      for (const { requestId, expected } of requests) {
        const e = byId.get(requestId);
        expect(e).toMatchObject({
          correct: expected.correct,
          segment: expected.segment,
          outcomes: { revenue: expected.revenue },
        });
        expect(e?.logLoss).toBeCloseTo(expected.logLoss, 12);
        expect(e?.brier).toBeCloseTo(expected.brier, 12);
      }
      const all = requests.map((r) => r.expected);
      // A certain answer (p = 1) to a label "b" is clipped: −ln 1e-4.
      expect(Math.max(...all.map((e) => e.logLoss))).toBeCloseTo(9.210340371976182, 12);

      // The evidence topic holds the same moments, from both instances' folding.
      const totals = await waitFor(
        async () => {
          const stable = await stableEvidence(f);
          return stable !== undefined && momentsOf(stable, MeanMetric.LOG_LOSS).n === REQUESTS
            ? stable
            : undefined;
        },
        { timeoutMs: 30_000, description: 'evidence of every evaluation on the evidence topic' },
      );
      expect(totals.counts).toMatchObject({ labelled: REQUESTS });
      const logLoss = momentsOf(totals, MeanMetric.LOG_LOSS);
      expect(logLoss.sum).toBeCloseTo(sum(all.map((e) => e.logLoss)), 9);
      expect(logLoss.squares).toBeCloseTo(sum(all.map((e) => e.logLoss ** 2)), 9);
      const brier = momentsOf(totals, MeanMetric.BRIER);
      expect(brier.n).toBe(REQUESTS);
      expect(brier.sum).toBeCloseTo(sum(all.map((e) => e.brier)), 9);
      expect(momentsOf(totals, outcomeMetric('revenue'))).toEqual({
        n: REQUESTS,
        sum: sum(all.map((e) => e.revenue)),
        squares: sum(all.map((e) => e.revenue ** 2)),
      });
      for (const segment of SEGMENTS) {
        const mine = all.filter((e) => e.segment === segment);
        expect(totals.segments.get(segment)).toMatchObject({
          labelled: mine.length,
          correct: mine.filter((e) => e.correct).length,
          errors: 0,
        });
        const segmentLogLoss = momentsOf(totals.segments.get(segment)!, MeanMetric.LOG_LOSS);
        expect(segmentLogLoss.n).toBe(mine.length);
        expect(segmentLogLoss.sum).toBeCloseTo(sum(mine.map((e) => e.logLoss)), 9);
      }

      // The metrics snapshot, restored from the first instance's checkpoints, covers both halves.
      const metrics = await waitFor(
        async () => {
          const snapshots = await readAll<VariantMetrics>(f, f.catalog.metrics, (v) =>
            f.codec.decode(f.catalog.metrics, v),
          );
          return snapshots.find((m) => m.variant === 'stable-v1' && m.labelled === REQUESTS);
        },
        {
          timeoutMs: 30_000,
          intervalMs: 500,
          description: 'a metrics snapshot of every evaluation',
        },
      );
      expect(metrics.logLoss).toBeCloseTo(sum(all.map((e) => e.logLoss)) / REQUESTS, 9);
      expect(metrics.brier).toBeCloseTo(sum(all.map((e) => e.brier)) / REQUESTS, 9);
      expect(metrics.outcomes).toEqual({ revenue: sum(all.map((e) => e.revenue)) / REQUESTS });
      expect(metrics.segments.map((s) => [s.segment, s.labelled])).toEqual([
        ['apac', REQUESTS / 3],
        ['eu', REQUESTS / 3],
        ['us', REQUESTS / 3],
      ]);
    } finally {
      await evaluator.stop();
    }
  });
});
