/**
 * Restarts of the decision service that the raw topics could not explain: it decides from the
 * rollout states and the evaluator's evidence alone, so it must come back with the same counts
 * and decisions after the raw records expired, after a long stop, and after a rollout with more
 * event-time buckets than any in-memory limit.
 */
import type {
  ArmEvidence,
  DecisionReport,
  RolloutCommand,
  RolloutState,
  TopicKey,
} from '@kanary/contracts';
import { applyCommand, type PolicyInput } from '@kanary/rollout';
import type { Router } from '@kanary/router';
import { connectedAdmin, disconnectTestClients, waitFor } from '@kanary/testkit';
import type { Admin } from 'kafkajs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PrivateBroker } from '../../../test/support/private-broker.js';
import type { DecisionService } from '../src/index.js';
import {
  MODEL,
  decisionBed,
  startCommand,
  stepTraffic,
  type DecisionBed,
  type DecisionBedOptions,
} from './decision-bed.js';
import { startDecisionProcess, type DecisionProcess } from './decision-process.js';
import { aaTraffic, expectedCounts, longTraffic, requestsOf } from './restart-traffic.js';

afterAll(disconnectTestClients);

let beds: DecisionBed[] = [];
let processes: DecisionProcess[] = [];
afterEach(async () => {
  await Promise.allSettled(processes.map((p) => p.stop()));
  await Promise.allSettled(beds.map((b) => b.close()));
  beds = [];
  processes = [];
});

async function newBed(options: DecisionBedOptions = {}): Promise<DecisionBed> {
  const bed = await decisionBed(options);
  beds.push(bed);
  return bed;
}

async function newDecisionProcess(bed: DecisionBed, name: string): Promise<DecisionProcess> {
  const started = await startDecisionProcess(bed.env, name);
  processes.push(started);
  return started;
}

/** Waits until the router applied a state of the model's rollout that satisfies `holds`. */
const routerState = (router: Router, holds: (state: RolloutState) => boolean, what: string) =>
  waitFor(
    () => {
      const state = router.rollout(MODEL);
      return state !== undefined && holds(state) ? state : undefined;
    },
    {
      timeoutMs: 90_000,
      description: () => `${what} (is ${JSON.stringify(router.rollout(MODEL)?.phase)})`,
    },
  );

/** The counts a report's decision judged, without its times (those differ between runs). */
function judgedCounts(report: DecisionReport): Record<string, unknown> {
  const { comparisonStartedAt, windowStartedAt, evidenceTime, policy, ...counts } = JSON.parse(
    report.details ?? '{}',
  ) as Record<string, unknown>;
  void [comparisonStartedAt, windowStartedAt, evidenceTime, policy];
  return counts;
}

const evidenceTimeOf = (report: DecisionReport): number =>
  (JSON.parse(report.details ?? '{}') as { evidenceTime?: number | null }).evidenceTime ?? 0;

/** Per partition of each topic, the offset after its last record (`high`) or its first (`low`). */
async function offsets(
  admin: Admin,
  topics: readonly string[],
  which: 'high' | 'low',
): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      result.set(`${topic}/${p.partition}`, Number(which === 'high' ? p.high : p.low));
    }
  }
  return result;
}

/** The lowest of the source partitions' latest evidence watermarks (0 while one has none). */
function evidenceLow(records: readonly ArmEvidence[], partitions: number): number {
  const latest = new Map<number, number>();
  for (const r of records) {
    latest.set(r.sourcePartition, Math.max(latest.get(r.sourcePartition) ?? 0, r.watermark));
  }
  let low = Number.POSITIVE_INFINITY;
  for (let p = 0; p < partitions; p += 1) low = Math.min(low, latest.get(p) ?? 0);
  return low;
}

const decisionCommands = (commands: readonly RolloutCommand[]) =>
  commands.filter((c) => c.issuedBy === 'DECISION').map((c) => [c.commandId, c.action]);

describe('decision service restarts, deciding from evidence alone', () => {
  /**
   * (a) The data topics keep records for one minute. The rollout advances on early traffic,
   * then gathers half of its second step; once the early records are gone from every data
   * topic, the decision service is killed with SIGKILL and started again: it must judge the
   * same counts (the early traffic included, which only the evidence still holds) and issue
   * the same commands as a run whose service was never interrupted, running beside it.
   */
  it('after SIGKILL once the early raw records expired (1-minute retention): same counts, same commands as an uninterrupted run', async () => {
    const MATURITY_MS = 5_000;
    const policy: PolicyInput = {
      steps: [0.2, 0.5],
      minSamplesPerStep: 100,
      labelMaturityMs: MATURITY_MS,
      latency: { enabled: false },
      errorRate: { enabled: false },
    };
    // The shared broker looks for expired segments every 5 minutes; this one every second.
    const broker = await PrivateBroker.start({
      kafkaConfig: { 'log.retention.check.interval.ms': 1_000 },
    });
    if ('unavailable' in broker) throw new Error(`no private broker: ${broker.unavailable}`);
    try {
      const retained: TopicKey[] = ['routed', 'predictions', 'labels', 'evaluations'];
      const shortRetention = { 'retention.ms': '60000', 'segment.ms': '5000' };
      const topicConfig = Object.fromEntries(retained.map((key) => [key, shortRetention]));

      const run = async (restart: boolean) => {
        const bed = await newBed({ brokers: broker.brokers, topicConfig });
        const admin = await connectedAdmin(bed.kafka);
        const dataTopics = retained.map((key) => bed.catalog[key].name);
        const router = await bed.router();
        await bed.evaluator();
        const commands = await bed.collect(bed.catalog.commands);
        const reports = await bed.collect(bed.catalog.decisions);
        let decision = await newDecisionProcess(bed, restart ? 'killed' : 'uninterrupted');
        try {
          await bed.produce(
            bed.catalog.commands,
            [startCommand('r-expiring', policy)],
            (c) => c.model,
          );
          const step0 = await routerState(router, (s) => s.seq === 1, 'the START applied');
          await reports.waitFor((r) => r.some((x) => x.rolloutId === 'r-expiring'), 60_000);
          const better = { stable: 0.85, canary: 0.97 };
          const early = await stepTraffic(step0, 'a', { stable: 600, canary: 150 }, better, 1);
          await bed.send(early);
          const step1 = await routerState(router, (s) => s.stepIndex === 1, 'step 1');
          const half = await stepTraffic(step1, 'b1', { stable: 60, canary: 60 }, better, 2);
          // The early traffic was decided on, so it is evaluated: all of it lies below these.
          const earlyEnds = await offsets(admin, dataTopics, 'high');
          await bed.send(half);

          // The first report after `after` judged with all of it mature: the half step's
          // bucket ended and its maturity window passed.
          const matureAt = Math.floor(half.routed[0]!.routedAt / 1_000) * 1_000 + 1_000;
          const judgedAfter = async (after: number) => {
            const matches = (x: DecisionReport) =>
              x.stepIndex === 1 && x.at > after && evidenceTimeOf(x) >= matureAt + MATURITY_MS;
            return (await reports.waitFor((r) => r.some(matches), 90_000)).find(matches)!;
          };
          const beforeExpiry = await judgedAfter(0);

          // Retention removed every early record from every data topic (their segments rolled
          // when the later records came and were deleted once a minute old).
          const lows = await waitFor(
            async () => {
              const low = await offsets(admin, dataTopics, 'low');
              return [...earlyEnds].every(([key, end]) => (low.get(key) ?? 0) >= end)
                ? low
                : undefined;
            },
            { timeoutMs: 150_000, description: 'the early records deleted by retention' },
          );
          expect([...lows.values()].every((low) => low > 0)).toBe(true);
          expect(lows.size).toBe(dataTopics.length * 2);

          if (restart) {
            await decision.kill();
            decision = await newDecisionProcess(bed, 'restarted');
          }
          // Reported after the expiry (and, in the restarted run, by the new process only).
          const afterExpiry = await judgedAfter(Date.now());

          await bed.send(await stepTraffic(step1, 'b2', { stable: 60, canary: 60 }, better, 3));
          await routerState(router, (s) => s.phase === 'PROMOTED', 'PROMOTED');
          const issued = await commands.waitFor((c) => decisionCommands(c).length >= 2);
          return {
            early: requestsOf(early),
            half: requestsOf(half),
            beforeExpiry,
            afterExpiry,
            commands: decisionCommands(issued),
          };
        } catch (error) {
          throw new Error(`${String(error)}\ndecision output:\n${decision.output()}`, {
            cause: error,
          });
        } finally {
          await admin.disconnect();
        }
      };

      const [uninterrupted, restarted] = await Promise.all([run(false), run(true)]);

      expect(uninterrupted.commands).toEqual([
        ['r-expiring:1:ADVANCE', 'SET_WEIGHT'],
        ['r-expiring:2:PROMOTE', 'PROMOTE'],
      ]);
      expect(restarted.commands).toEqual(uninterrupted.commands);
      // Since the canary started: the early traffic and the half step; this step: the half.
      const since = expectedCounts([...restarted.early, ...restarted.half], MATURITY_MS);
      const window = expectedCounts(restarted.half, MATURITY_MS);
      const counts = judgedCounts(restarted.afterExpiry) as {
        comparison: Record<'stable' | 'canary', { labelled: number; correct: number }>;
        window: Record<'stable' | 'canary', { labelled: number; correct: number }>;
      };
      expect(counts.comparison.stable).toMatchObject(since.stable);
      expect(counts.comparison.canary).toMatchObject(since.canary);
      expect(counts.window.stable).toMatchObject(window.stable);
      expect(counts.window.canary).toMatchObject(window.canary);
      expect(since.stable.labelled).toBe(660);
      // The restarted service judges what it judged before the kill, and what the
      // uninterrupted service judges.
      expect(judgedCounts(restarted.afterExpiry)).toEqual(judgedCounts(restarted.beforeExpiry));
      expect(judgedCounts(restarted.afterExpiry)).toEqual(judgedCounts(uninterrupted.afterExpiry));
      expect(judgedCounts(uninterrupted.afterExpiry)).toEqual(
        judgedCounts(uninterrupted.beforeExpiry),
      );
    } finally {
      await Promise.allSettled(processes.map((p) => p.stop()));
      await Promise.allSettled(beds.map((b) => b.close()));
      beds = [];
      processes = [];
      await broker.close();
    }
  }, 300_000);

  /**
   * (b) An A/A rollout (the canary answers exactly as well as the stable) whose labels come
   * 1–6 s after the predictions. The decision service judges it once, is stopped while traffic
   * goes on until the evidence moved 3 × labelMaturityMs past the stop, and starts again with
   * all of that to read at once: it must not pause (label coverage, sample ratio) or roll back,
   * and the rollout must go on to its promotion.
   */
  it('stopped for 3 × labelMaturityMs on an A/A rollout: no PAUSE, no ROLLBACK, and it goes on after the restart', async () => {
    const MATURITY_MS = 10_000;
    const policy: PolicyInput = {
      steps: [0.5],
      minSamplesPerStep: 200,
      nonInferiorityMargin: 0.1,
      labelMaturityMs: MATURITY_MS,
      latency: { enabled: false },
      errorRate: { enabled: false },
    };
    const bed = await newBed();
    const router = await bed.router();
    await bed.evaluator();
    const commands = await bed.collect(bed.catalog.commands);
    const reports = await bed.collect(bed.catalog.decisions);
    const evidence = await bed.collect(bed.catalog.evidence);
    const env = { DECISION_HOLD_REPORT_INTERVAL_MS: '0' };
    let decision: DecisionService = await bed.decision(env);

    await bed.produce(bed.catalog.commands, [startCommand('r-aa', policy)], (c) => c.model);
    const started = await routerState(router, (s) => s.seq === 1, 'the START applied');
    const traffic = aaTraffic(bed, started);
    try {
      await reports.waitFor((r) => r.some((x) => x.rolloutId === 'r-aa'), 60_000);
      await decision.stop();
      const stoppedAt = Date.now();
      // Stopped until the evaluator's evidence moved three maturity windows past the stop.
      await waitFor(() => evidenceLow(evidence.records, 2) >= stoppedAt + 3 * MATURITY_MS, {
        timeoutMs: 90_000,
        description: () =>
          `evidence at ${stoppedAt + 3 * MATURITY_MS} (is ${evidenceLow(evidence.records, 2)})`,
      });
      const restartedAt = Date.now();
      expect(restartedAt - stoppedAt).toBeGreaterThanOrEqual(3 * MATURITY_MS);
      decision = await bed.decision(env);
      const promoted = await routerState(
        router,
        (s) => s.phase !== 'CANARY',
        'the rollout decided after the restart',
      );
      expect(promoted.phase).toBe('PROMOTED');
      await traffic.stop();

      const issued = await commands.waitFor((c) => decisionCommands(c).length >= 1);
      expect(decisionCommands(issued)).toEqual([['r-aa:1:PROMOTE', 'PROMOTE']]);
      const decided = await reports.waitFor((r) => r.some((x) => x.action === 'PROMOTE'));
      const actions = new Set(decided.map((r) => r.action));
      expect([...actions].sort()).toEqual(['HOLD', 'PROMOTE']);
      const promote = decided.find((r) => r.action === 'PROMOTE')!;
      expect(promote.at).toBeGreaterThan(restartedAt);
      // Judged on the evidence gathered while the service was stopped: both arms alike.
      const coverage = promote.evidence.find((e) => e.metric === 'labelCoverage')!;
      expect(coverage.outcome).toBe('PASS');
      // Labels carry the time they were sent: on a loaded machine some come later than the
      // maturity window after their prediction and count as late — for both arms alike.
      expect(coverage.estimateCanary).toBeGreaterThan(0.5);
      expect(
        Math.abs((coverage.estimateCanary ?? 0) - (coverage.estimateStable ?? 1)),
      ).toBeLessThan(0.1);
      const accuracy = promote.evidence.find((e) => e.metric === 'accuracy')!;
      expect(accuracy.outcome).toBe('PASS');
      expect(Math.abs(accuracy.difference ?? 1)).toBeLessThan(0.01);
      expect(accuracy.nCanary).toBeGreaterThanOrEqual(200);
    } finally {
      await traffic.stop();
    }
  }, 180_000);

  /**
   * (e) A rollout of 5,000 one-second event-time buckets (83 minutes of traffic, replayed with
   * its old event times through the evaluator; some labels come after the maturity window).
   * The service that read the evidence as it came and one started afterwards must count the
   * same labelled samples and accuracy per arm, and both exactly what was produced.
   */
  it('after a rollout with more event-time buckets than any in-memory limit: counts what the uninterrupted service counts', async () => {
    const MATURITY_MS = 10_000;
    const SECONDS = 5_000;
    const policy: PolicyInput = {
      steps: [0.5],
      minSamplesPerStep: 1_000_000,
      labelMaturityMs: MATURITY_MS,
      latency: { enabled: false },
      errorRate: { enabled: false },
    };
    const bed = await newBed();
    await bed.evaluator();
    const live = await bed.decision();
    const evidence = await bed.collect(bed.catalog.evidence);

    // The rollout started SECONDS ago (on a whole second, so no bucket straddles its start).
    const startedAt = Math.floor((Date.now() - SECONDS * 1_000 - 60_000) / 1_000) * 1_000;
    const applied = applyCommand(undefined, startCommand('r-long', policy), startedAt);
    if (applied.outcome !== 'APPLIED') throw new Error(`START not applied: ${applied.outcome}`);
    await bed.produce(bed.catalog.state, [applied.state], (s) => s.model);

    const requests = longTraffic('r-long', startedAt, SECONDS, MATURITY_MS);
    await bed.send({
      routed: requests.map((r) => r.routed),
      predictions: requests.map((r) => r.prediction),
      labels: requests.map((r) => r.label),
    });
    const expected = expectedCounts(requests, MATURITY_MS);
    // Some labels came too late to count, in both arms.
    expect(expected.stable.labelled).toBeLessThan(expected.stable.routed);
    expect(expected.canary.labelled).toBeLessThan(expected.canary.routed);

    const counts = (service: DecisionService) =>
      service.engine
        .summary(Date.now())[0]
        ?.arms.map((a) => ({ labelled: a.labelled, accuracy: a.accuracy, routed: a.routed }));
    const wanted = (['stable', 'canary'] as const).map((arm) => ({
      labelled: expected[arm].labelled,
      accuracy: expected[arm].correct / expected[arm].labelled,
      routed: expected[arm].routed,
    }));
    await waitFor(() => JSON.stringify(counts(live)) === JSON.stringify(wanted), {
      timeoutMs: 150_000,
      description: () =>
        `the live service counting ${JSON.stringify(wanted)} (is ${JSON.stringify(counts(live))})`,
    });

    // Every bucket of the span is on the evidence topic: more than 4,096.
    const buckets = (records: readonly ArmEvidence[]) =>
      new Set(records.filter((r) => r.rolloutId === 'r-long').map((r) => r.bucketStart)).size;
    await evidence.waitFor((records) => buckets(records) >= SECONDS, 60_000);
    expect(buckets(evidence.records)).toBe(SECONDS);

    const restarted = await bed.decision();
    await restarted.tick();
    const arms = (service: DecisionService) => service.engine.summary(Date.now())[0]?.arms ?? [];
    expect(counts(restarted)).toEqual(wanted);
    expect(arms(restarted)).toEqual(arms(live));
  }, 240_000);
});
