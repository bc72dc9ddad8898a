import { disconnectTestClients, testInfra } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exactlyOnceGroups,
  reportOverAll,
  scenarioEnv,
  sendTraffic,
  startCanary,
  watchPipeline,
} from '../support/canary-scenario.js';
import { replayDecision } from '../support/decision-replay.js';
import { waitForGroupsCaughtUp } from '../support/group-progress.js';
import { auditPipeline, exactlyOnceProblems, readPipeline } from '../support/pipeline-audit.js';
import { PrivateBroker } from '../support/private-broker.js';
import { secretsInLogs } from '../support/log-secrets.js';
import { ALL_SERVICES, OPERATOR_TOKEN, ServicePipeline } from '../support/service-pipeline.js';
import { publishSuiteReport } from '../support/suite-report.js';

afterAll(disconnectTestClients);

const SEED = Number(process.env.KANARY_CHAOS_SEED ?? 20_260_104);
const REQUESTS = 20_000;
/** A controlled shutdown, then a crash, each once this share of the evaluations is in. */
const OUTAGES = [
  ['SIGTERM', 0.25],
  ['SIGKILL', 0.6],
] as const;

// A broker of its own needs a JDK: without one the suite is reported as skipped, with the reason.
const privateBroker = await PrivateBroker.availability();

/**
 * The single-node broker itself can lose a transaction's COMMIT marker while its partitions have
 * no leader (test/README.md, "Limits": about one run in three under load), which leaves records
 * duplicated or a transaction that never ends whatever the services do. So a failed run is run
 * once more, on a fresh broker — and the first failure is not hidden: it is printed and kept in
 * the suite report (`previousFailure`), so a failure of the services' own, which repeats, still
 * fails the suite.
 */
let attempt = 0;
let previousFailure: string | undefined;

describe.skipIf(!privateBroker.available)(`broker restart${privateBroker.skipped}`, () => {
  it(
    'the services recover from a stop and a crash of the broker mid-run without manual action; nothing is lost or duplicated',
    { retry: 1, timeout: 600_000 },
    async () => {
      attempt += 1;
      if (previousFailure !== undefined) {
        process.stderr.write(
          `[broker-restart] attempt ${attempt} after a failed run (see test/README.md, Limits): ${previousFailure}\n`,
        );
      }
      try {
        await brokerRestartRun();
      } catch (error) {
        previousFailure = String(error instanceof Error ? error.message : error).slice(0, 2_000);
        throw error;
      }
    },
  );
});

async function brokerRestartRun(): Promise<void> {
  const started = Date.now();
  // A broker of this test's own: the shared one serves the tests running alongside.
  const broker = await PrivateBroker.start();
  const pipeline = await ServicePipeline.create({
    brokers: broker.brokers,
    registryUrl: testInfra().registryUrl,
    serviceEnv: scenarioEnv(),
    // A service whose consumer kafkajs gave up on exits; a supervisor starts it again.
    supervise: true,
    // The test's own producer must outlast the outage too (about 2.5 min of retries).
    client: { retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 } },
  });
  const watch = await watchPipeline(pipeline);
  const outages: Array<{ signal: string; afterEvaluations: number; downSeconds: number }> = [];
  try {
    await pipeline.startAll();
    await startCanary(pipeline);
    const traffic = sendTraffic(pipeline, { count: REQUESTS, rate: 1_000, seed: SEED });
    for (const [signal, share] of OUTAGES) {
      await watch.evaluations.waitFor(Math.floor(REQUESTS * share), 240_000);
      const down = Date.now();
      await broker.stopBroker(signal);
      await broker.startBroker();
      outages.push({
        signal,
        afterEvaluations: watch.evaluations.records.length,
        downSeconds: Math.round((Date.now() - down) / 1000),
      });
    }
    const sent = await traffic;
    expect(sent.error).toBeUndefined();
    await watch.evaluations.waitFor(REQUESTS, 300_000);
    await waitForGroupsCaughtUp(pipeline.kafka, exactlyOnceGroups(pipeline), 180_000);
    const records = await readPipeline(pipeline);
    const audit = auditPipeline(records);
    const final = await reportOverAll(
      pipeline,
      watch.reports,
      // Everything committed on the topics, as read back.
      records,
      180_000,
    );
    await publishSuiteReport('broker-restart', {
      seed: SEED,
      requests: REQUESTS,
      outages,
      attempt,
      ...(previousFailure !== undefined ? { previousFailure } : {}),
      supervisorRestarts: pipeline.restartSummary(),
      // The test's own consumers are replaced the same way when kafkajs gives them up.
      watcherRestarts: {
        evaluations: watch.evaluations.restarts,
        reports: watch.reports.restarts,
      },
      audit,
      seconds: Math.round((Date.now() - started) / 1000),
    });

    // Nobody started a service again by hand; what exited did so on purpose (code 1).
    for (const service of ALL_SERVICES) {
      expect(pipeline.starts[service], service).toBe(1);
      expect(pipeline.process(service)?.running, service).toBe(true);
    }
    expect(pipeline.restarts.filter((r) => r.exit.code !== 1)).toEqual([]);
    expect(exactlyOnceProblems(audit, REQUESTS)).toEqual([]);
    expect(replayDecision(records, final, pipeline.catalog.evidence.partitions)).toEqual([final]);
    expect(secretsInLogs(await pipeline.allLogs(), [OPERATOR_TOKEN])).toEqual([]);
  } finally {
    await watch.stop();
    await pipeline.stopAll();
    await broker.close();
  }
}
