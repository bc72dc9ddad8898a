import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exactlyOnceGroups,
  reportOverAll,
  scenarioPipeline,
  sendTraffic,
  startCanary,
  watchPipeline,
} from '../support/canary-scenario.js';
import { replayDecision } from '../support/decision-replay.js';
import { waitForGroupsCaughtUp } from '../support/group-progress.js';
import { killPlan } from '../support/kill-plan.js';
import { secretsInLogs } from '../support/log-secrets.js';
import { auditPipeline, exactlyOnceProblems, readPipeline } from '../support/pipeline-audit.js';
import { OPERATOR_TOKEN } from '../support/service-pipeline.js';
import { publishSuiteReport } from '../support/suite-report.js';

afterAll(disconnectTestClients);

/** Override with KANARY_CHAOS_SEED to replay a failing run (the seed is in the report). */
const SEED = Number(process.env.KANARY_CHAOS_SEED ?? 20_260_101);
const REQUESTS = 100_000;
const KILLS = 6;
/** Requests per second offered; the test process itself can send about 1,500/s here. */
const RATE = 2_000;

describe('crash consistency: every service killed with SIGKILL mid-run and restarted', () => {
  it('routes, predicts and evaluates every request exactly once, and the decision statistics equal an uninterrupted computation', async () => {
    const started = Date.now();
    const pipeline = await scenarioPipeline({
      // A service that exits on its own (not one of the planned kills) is started again.
      supervise: true,
    });
    const watch = await watchPipeline(pipeline);
    const kills: Array<{ service: string; afterEvaluations: number; exit: string }> = [];
    try {
      await pipeline.startAll();
      await startCanary(pipeline);
      const traffic = sendTraffic(pipeline, { count: REQUESTS, rate: RATE, seed: SEED });

      // Each kill once this many evaluations are committed; the service is started again at once.
      for (const kill of killPlan(SEED, REQUESTS, KILLS)) {
        await watch.evaluations.waitFor(kill.afterEvaluations, 240_000);
        const exit = await pipeline.kill(kill.service);
        kills.push({ ...kill, exit: exit.signal ?? `code ${exit.code}` });
        await pipeline.start(kill.service);
      }
      const sent = await traffic;
      expect(sent.error).toBeUndefined();
      expect(sent.report?.requests).toBe(REQUESTS);

      await watch.evaluations.waitFor(REQUESTS, 240_000);
      await waitForGroupsCaughtUp(pipeline.kafka, exactlyOnceGroups(pipeline), 120_000);
      const records = await readPipeline(pipeline);
      const audit = auditPipeline(records);
      // The service's statistics over everything, against a fresh engine fed the same topics.
      const final = await reportOverAll(
        pipeline,
        watch.reports,
        // Everything committed on the topics, as read back.
        records,
        120_000,
      );
      const uninterrupted = replayDecision(records, final, pipeline.catalog.evidence.partitions);
      const details = JSON.parse(final.details ?? '{}') as { comparison?: unknown };
      await publishSuiteReport('crash-consistency', {
        seed: SEED,
        requests: REQUESTS,
        kills,
        starts: pipeline.starts,
        supervisorRestarts: pipeline.restartSummary(),
        audit,
        decision: {
          action: final.action,
          at: final.at,
          comparison: details.comparison,
          equalsUninterrupted: JSON.stringify(uninterrupted) === JSON.stringify([final]),
        },
        seconds: Math.round((Date.now() - started) / 1000),
      });

      expect(kills.map((k) => k.exit)).toEqual(Array(KILLS).fill('SIGKILL'));
      expect(new Set(kills.map((k) => k.service)).size).toBe(4);
      expect(exactlyOnceProblems(audit, REQUESTS)).toEqual([]);
      expect(uninterrupted).toEqual([final]);
      expect(secretsInLogs(await pipeline.allLogs(), [OPERATOR_TOKEN])).toEqual([]);
    } finally {
      await watch.stop();
      await pipeline.stopAll();
      await pipeline.deleteTopics();
    }
  }, 600_000);
});
