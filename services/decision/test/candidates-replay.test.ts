/**
 * The offline replay (`kanary replay`) of an A/B/n rollout makes the decisions the decision
 * service made on the broker: a rollout of three candidates against one stable (one much worse,
 * one better, one better still) runs through the router, the evaluator and the decision service
 * on generated traffic; the predictions and labels are read back from their topics, written as a
 * JSONL recording, replayed offline, and the replay's decisions — action, candidate, step, in
 * order — must be the service's.
 *
 * Each batch of traffic is sized so that it allows one decision, and the service judges when its
 * engine holds all of the batch's evidence (the schedule is an hour; the test ticks it): a tick
 * on half a batch could pick another candidate to advance first, which is not what replay
 * equivalence is about. Batches start on a whole second at least 3 s after the last state change,
 * so that each falls in the windows that change opened, live and in the replay alike.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ArmEvidence,
  GroundTruthLabel,
  Prediction,
  RolloutCommand,
  RolloutState,
} from '@kanary/contracts';
import { createDecisionEngine, replayFile } from '@kanary/decision-engine';
import type { PolicyInput } from '@kanary/rollout';
import { createRng } from '@kanary/stats';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DecisionService } from '../src/index.js';
import {
  decisionBed,
  MODEL,
  STABLE,
  stateAt,
  servedRequest,
  type DecisionBed,
  type Traffic,
} from './decision-bed.js';

afterAll(disconnectTestClients);

const POLICY: PolicyInput = {
  steps: [0.1, 0.2],
  minSamplesPerStep: 200,
  labelMaturityMs: 0,
  latency: { enabled: false },
  errorRate: { enabled: false },
};
const WORSE = 'fraud-c-worse';
const GOOD = 'fraud-c-good';
const BEST = 'fraud-c-best';
const ACCURACY: Record<string, number> = {
  [STABLE]: 0.85,
  [WORSE]: 0.2,
  [GOOD]: 0.95,
  [BEST]: 0.99,
};
const ROLLOUT = 'r-abn';

let bed: DecisionBed | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bed?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/**
 * A batch's requests: `perVariant` served requests of each variant, routed, predicted (right with
 * the variant's accuracy) and labelled at once, within 900 ms of `at`, in round robin with the
 * candidates first: the first three requests each on its own millisecond (so the replay's rollout
 * starts at the first candidate's answer, and the order the candidates first answer in is the
 * START order), the rest spread over the following 896 ms.
 */
function batch(
  tag: string,
  rolloutId: string | null,
  at: number,
  perVariant: Readonly<Record<string, number>>,
  seed: number,
): Traffic {
  const rng = createRng(seed);
  const order: string[] = [];
  const left = { ...perVariant };
  const variants = Object.keys(perVariant).sort((a, b) =>
    a === STABLE ? 1 : b === STABLE ? -1 : 0,
  );
  while (Object.values(left).some((n) => n > 0)) {
    for (const variant of variants) {
      if ((left[variant] ?? 0) > 0) {
        order.push(variant);
        left[variant] = (left[variant] ?? 0) - 1;
      }
    }
  }
  const traffic: Traffic = { routed: [], predictions: [], labels: [] };
  order.forEach((variant, j) => {
    const requestId = `${tag}-${String(j).padStart(4, '0')}`;
    const timestamp = at + (j < 3 ? j : 3 + Math.floor((896 * j) / order.length));
    const arm = variant === STABLE ? 'stable' : 'canary';
    const answer = {
      correct: rng.next() < (ACCURACY[variant] ?? 0),
      latencyMs: 20 + Math.round(100 * rng.next()) / 10,
    };
    const { routed, prediction, label } = servedRequest(
      rolloutId,
      arm,
      requestId,
      timestamp,
      answer,
      timestamp,
      variant,
    );
    traffic.routed.push(routed);
    traffic.predictions.push(prediction);
    traffic.labels.push(label);
  });
  return traffic;
}

/** The first whole second at least 3 s after the state's last change (see the file's comment). */
const batchStart = (state: RolloutState): Promise<number> => {
  const at = Math.ceil((state.updatedAt + 3_000) / 1_000) * 1_000;
  return waitFor(() => (Date.now() >= at ? at : undefined), { timeoutMs: 10_000 });
};

/** The recorded line of a prediction or a label (the JSONL contract of `kanary replay`). */
const predictionLine = (p: Prediction) =>
  JSON.stringify({
    kind: 'prediction',
    requestId: p.requestId,
    model: p.model,
    variant: p.variant,
    role: p.role.toLowerCase(),
    output: p.output,
    latencyMs: p.latencyMs,
    status: p.status.toLowerCase(),
    timestamp: p.timestamp,
  });
const labelLine = (l: GroundTruthLabel) =>
  JSON.stringify({
    kind: 'label',
    requestId: l.requestId,
    model: l.model,
    label: l.label,
    timestamp: l.timestamp,
  });

describe('A/B/n: the offline replay and the decision service on the broker', () => {
  it('replays a three-candidate recording to the decisions the service made, in order', async () => {
    bed = await decisionBed();
    const router = await bed.router();
    await bed.evaluator();
    // The engine the service runs, its evidence observed: the latest record per key and the
    // highest watermark per source partition, as applied.
    const engine = createDecisionEngine({ holdReportIntervalMs: 0 });
    const evidence = new Map<string, ArmEvidence>();
    const watermarks = new Map<number, number>();
    const decision: DecisionService = await bed.decision(
      { DECISION_INTERVAL_MS: '3600000', DECISION_HOLD_REPORT_INTERVAL_MS: '0' },
      {
        engine: {
          ...engine,
          onEvidence(record) {
            const key = [
              record.rolloutId,
              record.variant,
              record.role,
              record.served,
              record.bucketStart,
              record.sourcePartition,
            ].join('/');
            evidence.set(key, record);
            const known = watermarks.get(record.sourcePartition) ?? 0;
            watermarks.set(record.sourcePartition, Math.max(known, record.watermark));
            engine.onEvidence(record);
          },
        },
      },
    );
    const predictions = await bed.collect(bed.catalog.predictions);
    const labels = await bed.collect(bed.catalog.labels);
    const reports = await bed.collect(bed.catalog.decisions);

    // The stable served alone before the rollout (the replay learns the stable from it).
    const history = batch('h', null, Date.now(), { [STABLE]: 10 }, 1);
    await bed.send(history);
    const start: RolloutCommand = {
      commandId: `${ROLLOUT}:START`,
      rolloutId: ROLLOUT,
      model: MODEL,
      action: 'START',
      stable: STABLE,
      canary: null,
      shadows: [],
      canaryWeight: POLICY.steps![0]!,
      stepIndex: 0,
      basedOnSeq: null,
      issuedBy: 'OPERATOR',
      reason: 'integration test: three candidates',
      policy: JSON.stringify(POLICY),
      issuedAt: Date.now(),
      actor: null,
      candidates: [WORSE, GOOD, BEST],
    };
    await bed.produce(bed.catalog.commands, [start], (c) => c.model);
    let state = await stateAt(router, 1);

    const labelled = new Map<string, number>();
    /** Waits until the service's engine has every labelled answer so far and every partition's watermark past `end`. */
    const evidenceHas = (end: number) =>
      waitFor(
        () => {
          const counts = new Map<string, number>();
          for (const r of evidence.values()) {
            if (r.rolloutId === ROLLOUT)
              counts.set(r.variant, (counts.get(r.variant) ?? 0) + r.labelled);
          }
          const complete = [...labelled].every(([variant, n]) => counts.get(variant) === n);
          const caughtUp = [0, 1].every((p) => (watermarks.get(p) ?? 0) >= end);
          return complete && caughtUp;
        },
        {
          timeoutMs: 60_000,
          description: () => `evidence of ${JSON.stringify([...labelled])} up to ${end}`,
        },
      );
    /** Waits until the service's engine judges `state` (every candidate's weight and step). */
    const engineAt = (expected: RolloutState) =>
      waitFor(
        () =>
          expected.candidates.every((c) =>
            decision.engine
              .summary(Date.now())
              .some(
                (s) =>
                  s.candidate === c.variant &&
                  s.canaryWeight === c.weight &&
                  s.stepIndex === c.stepIndex,
              ),
          ),
        { timeoutMs: 60_000, description: `the engine at seq ${expected.seq}` },
      );

    // Per batch, per variant: in the split the state's weights give (stable : candidates).
    const batches: Array<Record<string, number>> = [
      // 10 % each, stable 70 %: only the worse one can be decided on (rolled back); the others
      // have fewer than the step's 200 samples.
      { [WORSE]: 100, [GOOD]: 100, [BEST]: 100, [STABLE]: 700 },
      // 10 % each of the two left, stable 80 %: both ready; the first in START order advances.
      { [GOOD]: 200, [BEST]: 200, [STABLE]: 1600 },
      // good 20 % (its last step: ready to promote), best 10 %: best advances first.
      { [GOOD]: 400, [BEST]: 200, [STABLE]: 1400 },
      // 20 % each: both ready to promote; the one with the better proven gain is promoted.
      { [GOOD]: 200, [BEST]: 200, [STABLE]: 600 },
    ];
    for (const [index, perVariant] of batches.entries()) {
      await engineAt(state);
      const at = await batchStart(state);
      const traffic = batch(`b${index}`, ROLLOUT, at, perVariant, 10 + index);
      await bed.send(traffic);
      for (const [variant, n] of Object.entries(perVariant))
        labelled.set(variant, (labelled.get(variant) ?? 0) + n);
      await evidenceHas(at + 1_000);
      const output = await decision.tick();
      expect(
        output.commands,
        JSON.stringify(output.reports.map((r) => [r.candidate, r.action, r.reason])),
      ).toHaveLength(1);
      state = await stateAt(router, state.seq + 1);
    }
    expect(state.phase).toBe('PROMOTED');

    const live = (
      await reports.waitFor((records) => records.filter((r) => r.commandId !== null).length >= 4)
    ).filter((r) => r.commandId !== null);
    const serviceDecisions = live.map((r) => [r.action, r.candidate, r.stepIndex]);
    expect(serviceDecisions).toEqual([
      ['ROLLBACK', WORSE, 0],
      ['ADVANCE', GOOD, 0],
      ['ADVANCE', BEST, 0],
      ['PROMOTE', BEST, 1],
    ]);

    // The recording: every prediction and label as read back from the topics, in time order.
    const sent =
      history.predictions.length +
      batches.reduce((sum, b) => sum + Object.values(b).reduce((a, n) => a + n, 0), 0);
    const recorded = [
      ...(await predictions.waitFor(sent)).map((p) => ({
        at: p.timestamp,
        line: predictionLine(p),
      })),
      ...(await labels.waitFor(sent)).map((l) => ({ at: l.timestamp, line: labelLine(l) })),
    ].sort((a, b) => a.at - b.at);
    dir = await mkdtemp(join(tmpdir(), 'kanary-abn-'));
    const file = join(dir, 'recording.jsonl');
    await writeFile(file, recorded.map((r) => `${r.line}\n`).join(''));

    const replayed = await replayFile(file, { policy: POLICY, intervalMs: 200 });
    expect(replayed.decisions.map((d) => [d.action, d.candidate, d.stepIndex])).toEqual(
      serviceDecisions,
    );
    expect(replayed.rollouts[0]?.candidates?.map((c) => [c.variant, c.status])).toEqual([
      [WORSE, 'ROLLED_BACK'],
      [GOOD, 'ENDED'],
      [BEST, 'PROMOTED'],
    ]);
    expect(replayed.final).toMatchObject({ action: 'PROMOTE', candidate: BEST });
    // The same samples judged: every decision's accuracy counts, stable and candidate.
    const counts = (
      evidence: readonly {
        metric: string;
        segment: string | null;
        nStable: number;
        nCanary: number;
      }[],
    ) =>
      evidence
        .filter((e) => e.metric === 'accuracy' && e.segment === null)
        .map((e) => [e.nStable, e.nCanary]);
    expect(
      replayed.decisions.map((d) => [[d.evidence.accuracy?.nStable, d.evidence.accuracy?.nCanary]]),
    ).toEqual(live.map((r) => counts(r.evidence)));
    expect(replayed.input).toMatchObject({
      beforeRollout: history.predictions.length,
      invalid: 0,
      outOfOrder: 0,
    });
  });
});
