import { disconnectTestClients, uniqueTransactionalId } from '@kanary/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exactlyOnceGroups,
  scenarioPipeline,
  sendTraffic,
  startCanary,
  watchPipeline,
} from '../support/canary-scenario.js';
import { readCommitted } from '../support/committed-records.js';
import { waitForGroupsCaughtUp } from '../support/group-progress.js';
import {
  auditPipeline,
  exactlyOnceProblems,
  readPipeline,
  type PipelineAudit,
  type PipelineRecords,
} from '../support/pipeline-audit.js';
import { type ServicePipeline, type Service } from '../support/service-pipeline.js';
import { stallPastSession, type Stall } from '../support/stall-member.js';
import { publishSuiteReport } from '../support/suite-report.js';

afterAll(disconnectTestClients);

/** Override with KANARY_CHAOS_SEED for other traffic (the seed is in the report). */
const SEED = Number(process.env.KANARY_CHAOS_SEED ?? 20_260_117);
/** Requests per second: steady load, so a stalled member nearly always holds fetched work. */
const RATE = 250;
/** About two minutes of traffic: enough for every round of stalls to happen under load. */
const REQUESTS = 30_000;
/** Rounds of stalls; each stalls one router and one evaluator instance at once. */
const ROUNDS = 4;
/** Evaluations committed before the first stall, so that every stage is busy. */
const WARM_UP = 1_000;
const STALLED = ['router', 'evaluator'] as const satisfies readonly Service[];

interface StallRun {
  readonly pipeline: ServicePipeline;
  readonly records: PipelineRecords;
  readonly audit: PipelineAudit;
  readonly stalls: readonly Stall[];
}

/** The session timeouts the pipeline gives the stalled services. */
const sessionTimeoutMs = (pipeline: ServicePipeline): Record<(typeof STALLED)[number], number> => ({
  router: Number(pipeline.env('router').ROUTER_SESSION_TIMEOUT_MS),
  evaluator: Number(pipeline.env('evaluator').EVALUATOR_SESSION_TIMEOUT_MS),
});

/**
 * Two routers and two evaluators (one model worker) under steady load; each round freezes one
 * router and one evaluator (SIGSTOP) until the other instance of each holds all the partitions
 * and has committed on them, then wakes them (SIGCONT). Without fencing by group generation
 * (KIP-447, which kafkajs lacks), a woken instance can commit the transaction it held: work the
 * other instance has already committed, committed twice.
 */
async function runWithStalls(): Promise<StallRun> {
  const pipeline = await scenarioPipeline({ supervise: true });
  const watch = await watchPipeline(pipeline);
  const admin = pipeline.kafka.admin();
  await admin.connect();
  try {
    // Two instances of a service register a subject's schema at once otherwise.
    await pipeline.registerSchemas();
    await pipeline.startAll(['router', 'model-worker', 'evaluator']);
    await startCanary(pipeline);
    await Promise.all(STALLED.map((s) => pipeline.startReplica(s, `${s}-1`)));
    const traffic = sendTraffic(pipeline, { count: REQUESTS, rate: RATE, seed: SEED });
    await watch.evaluations.waitFor(WARM_UP, 120_000);

    const groups = new Map(exactlyOnceGroups(pipeline).map((g) => [g.groupId, g]));
    const sessions = sessionTimeoutMs(pipeline);
    const stalls: Stall[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // The first instances in even rounds, the replicas in odd ones.
      const results = await Promise.all(
        STALLED.map((service) => {
          const instances = [
            pipeline.clientId(service),
            pipeline.clientId(service, `${service}-1`),
          ];
          const [victim, survivor] = round % 2 === 0 ? instances : instances.reverse();
          const groupId = `${pipeline.prefix}.${service}`;
          if (!groups.has(groupId)) throw new Error(`${groupId} is not an exactly-once group`);
          return stallPastSession(
            admin,
            {
              groupId,
              clientId: victim!,
              survivorClientId: survivor!,
              minStallMs: sessions[service],
              pid: () =>
                (round % 2 === 0 ? pipeline.process(service) : pipeline.replica(`${service}-1`))
                  ?.pid,
            },
            60_000,
          );
        }),
      );
      stalls.push(...results);
    }

    const sent = await traffic;
    if (sent.error !== undefined) throw sent.error;
    await waitForGroupsCaughtUp(pipeline.kafka, [...groups.values()], 120_000);
    const records = await readPipeline(pipeline);
    return {
      pipeline,
      records,
      audit: auditPipeline(records),
      stalls,
    };
  } catch (e) {
    await pipeline.stopAll();
    await pipeline.deleteTopics();
    throw e;
  } finally {
    await admin.disconnect();
    await watch.stop();
  }
}

describe('stalled instances: frozen past the session timeout, their partitions moved, woken', () => {
  let run: StallRun | undefined;
  const started = Date.now();

  beforeAll(async () => {
    run = await runWithStalls();
    // The services are done; stopped, they write nothing more to the topics checked below.
    await run.pipeline.stopAll();
  }, 480_000);

  afterAll(async () => {
    await run?.pipeline.deleteTopics();
  });

  it('routes, predicts and evaluates every request exactly once through every stall', async () => {
    const { audit, records, stalls, pipeline } = run!;
    const sessions = sessionTimeoutMs(pipeline);
    await publishSuiteReport('stalled-instances', {
      seed: SEED,
      requests: REQUESTS,
      rate: RATE,
      stalls,
      supervisorRestarts: pipeline.restartSummary(),
      audit,
      duplicatesMadeBy: duplicatesMadeBy(records),
      seconds: Math.round((Date.now() - started) / 1000),
    });

    expect(stalls).toHaveLength(ROUNDS * STALLED.length);
    for (const stall of stalls) {
      const service = STALLED.find((s) => stall.groupId.endsWith(`.${s}`))!;
      expect(stall.stalledMs).toBeGreaterThanOrEqual(sessions[service]);
      expect(stall.moved.length).toBeGreaterThan(0);
    }
    expect(exactlyOnceProblems(audit, REQUESTS)).toEqual([]);
  });

  it('counts a transactional copy of a committed evaluation as one duplicate', async () => {
    const { pipeline, records, audit } = run!;
    const { kafka, catalog } = pipeline;
    const before = await committedEvaluations(pipeline);
    const counts = countBy(before.map((e) => e.identity));
    const original = before.find((e) => counts.get(e.identity) === 1);
    expect(original).toBeDefined();
    const { partition, key, value, headers } = original!.record;
    const copy = {
      topic: catalog.evaluations.name,
      messages: [{ partition, key, value, headers }],
    };

    const producer = kafka.producer({
      transactionalId: uniqueTransactionalId('audit-copy'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      // A copy in an aborted transaction, which read_committed never shows, then a committed one.
      const aborted = await producer.transaction();
      await aborted.send(copy);
      await aborted.abort();
      const committed = await producer.transaction();
      await committed.send(copy);
      await committed.commit();
    } finally {
      await producer.disconnect();
    }

    const after = await committedEvaluations(pipeline);
    expect(countBy(after.map((e) => e.identity)).get(original!.identity)).toBe(2);
    const audited = auditPipeline({ ...records, evaluations: after.map((e) => e.evaluation) });
    expect(audited.evaluations.records).toBe(audit.evaluations.records + 1);
    expect(audited.evaluations.distinct).toBe(audit.evaluations.distinct);
    expect(audited.evaluations.missingCount).toBe(audit.evaluations.missingCount);
    // 1 after a run without duplicates.
    expect(audited.evaluations.duplicatedCount).toBe(audit.evaluations.duplicatedCount + 1);
  });
});

/** The committed evaluations, each with its record as read and its `requestId|variant`. */
async function committedEvaluations(pipeline: ServicePipeline) {
  const { kafka, codec, catalog } = pipeline;
  return Promise.all(
    (await readCommitted(kafka, catalog.evaluations)).map(async (record) => {
      const evaluation = await codec.decode(catalog.evaluations, record.value);
      return { record, evaluation, identity: `${evaluation.requestId}|${evaluation.variant}` };
    }),
  );
}

/**
 * Duplicated outputs of each stage whose input was not duplicated: those the stage made itself
 * (a duplicated routed record is predicted twice by a worker that did nothing wrong).
 */
function duplicatesMadeBy(records: PipelineRecords) {
  const byVariant = (r: { requestId: string; variant: string }) => `${r.requestId}|${r.variant}`;
  const made = (outputs: readonly string[], inputs: readonly string[]) => {
    const inputCounts = countBy(inputs);
    return [...countBy(outputs)].filter(([id, n]) => n > 1 && (inputCounts.get(id) ?? 0) <= 1)
      .length;
  };
  const routed = records.routed.map(byVariant);
  const predictions = records.predictions.map(byVariant);
  return {
    router: made(routed, []),
    modelWorker: made(predictions, routed),
    evaluator: made(records.evaluations.map(byVariant), predictions),
  };
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
