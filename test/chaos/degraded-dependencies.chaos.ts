import type { RolloutState } from '@kanary/contracts';
import {
  disconnectTestClients,
  freePort,
  testInfra,
  waitFor,
  type MessageCollector,
} from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CANARY,
  MODEL,
  SIM_VARIANTS,
  STABLE,
  exactlyOnceGroups,
  scenarioEnv,
  scenarioPipeline,
  sendTraffic,
  startCanary,
  watchPipeline,
} from '../support/canary-scenario.js';
import { waitForGroupsCaughtUp } from '../support/group-progress.js';
import { secretsInLogs } from '../support/log-secrets.js';
import { auditPipeline, exactlyOnceProblems, readPipeline } from '../support/pipeline-audit.js';
import { RegistryProxy } from '../support/registry-proxy.js';
import { OPERATOR_TOKEN, type ServicePipeline } from '../support/service-pipeline.js';
import { publishSuiteReport } from '../support/suite-report.js';

afterAll(disconnectTestClients);

const SEED = Number(process.env.KANARY_CHAOS_SEED ?? 20_260_103);

let cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

/** A pipeline on the test broker, stopped and deleted after the test. */
async function pipelineWith(
  options: Partial<Parameters<typeof ServicePipeline.create>[0]> = {},
): Promise<ServicePipeline> {
  const pipeline = await scenarioPipeline(options);
  cleanup.push(() => pipeline.deleteTopics());
  cleanup.push(() => pipeline.stopAll());
  return pipeline;
}

/** Evaluations committed so far, counted in the background (stopped after the test). */
async function countEvaluations(pipeline: ServicePipeline): Promise<MessageCollector<null>> {
  const watch = await watchPipeline(pipeline);
  cleanup.push(() => watch.stop());
  return watch.evaluations;
}

const rolloutOf = async (pipeline: ServicePipeline): Promise<RolloutState | undefined> => {
  const response = await fetch(`${pipeline.url('router')}/v1/rollouts/${MODEL}`);
  return response.status === 200 ? ((await response.json()) as RolloutState) : undefined;
};

describe('degraded dependencies', () => {
  it('routes on the last state while the decision service is down (router restarted meanwhile), answers ERROR for a model server that is down, and rolls the broken canary back once the decision service returns', async () => {
    const closedPort = await freePort();
    const variants = {
      [STABLE]: SIM_VARIANTS[STABLE],
      // Nothing listens there: every call fails fast with ECONNREFUSED.
      [CANARY]: {
        kind: 'http',
        endpoint: {
          protocol: 'json',
          url: `http://127.0.0.1:${closedPort}/predict`,
          outputPath: 'label',
        },
        timeoutMs: 2_000,
        retry: { retries: 1, minDelayMs: 10, maxDelayMs: 10 },
      },
    };
    const pipeline = await pipelineWith({
      serviceEnv: {
        ...scenarioEnv(),
        'model-worker': { WORKER_VARIANTS: JSON.stringify(variants) },
      },
    });
    const evaluations = await countEvaluations(pipeline);
    await pipeline.startAll(['router', 'model-worker', 'evaluator']);
    const started = await startCanary(pipeline);

    // The decision service has not run at all; the router is restarted halfway through.
    const first = sendTraffic(pipeline, { count: 2_000, rate: 400, seed: SEED });
    await evaluations.waitFor(800, 120_000);
    expect((await pipeline.kill('router', 'SIGKILL')).signal).toBe('SIGKILL');
    await pipeline.start('router');
    expect(await rolloutOf(pipeline)).toMatchObject({
      rolloutId: started.rolloutId,
      phase: 'CANARY',
    });
    expect((await first).error).toBeUndefined();
    await evaluations.waitFor(2_000, 120_000);
    await waitForGroupsCaughtUp(pipeline.kafka, exactlyOnceGroups(pipeline), 120_000);

    const records = await readPipeline(pipeline);
    expect(exactlyOnceProblems(auditPipeline(records), 2_000)).toEqual([]);
    // Every request was routed by the rollout's state, before and after the router's restart.
    expect(new Set(records.routed.map((r) => r.rolloutId))).toEqual(new Set([started.rolloutId]));
    const canary = records.predictions.filter((p) => p.variant === CANARY);
    const stable = records.predictions.filter((p) => p.variant === STABLE);
    expect(canary.length / records.predictions.length).toBeGreaterThan(0.2);
    expect(canary.length / records.predictions.length).toBeLessThan(0.4);
    expect(
      canary.every((p) => p.status === 'ERROR' && /ECONNREFUSED|fetch failed/.test(p.error ?? '')),
    ).toBe(true);
    expect(stable.filter((p) => p.status === 'OK').length).toBeGreaterThan(stable.length * 0.95);

    // The decision service comes back, rebuilds its statistics and rolls the broken canary back.
    await pipeline.start('decision');
    const rolledBack = await waitFor(
      async () => {
        const state = await rolloutOf(pipeline);
        return state?.phase === 'ROLLED_BACK' ? state : undefined;
      },
      { timeoutMs: 120_000, description: 'the canary to be rolled back' },
    );
    expect(rolledBack.lastCommand).toMatchObject({ action: 'ROLLBACK', issuedBy: 'DECISION' });
    const second = await sendTraffic(pipeline, { count: 200, rate: 400, seed: SEED + 1 });
    expect(second.error).toBeUndefined();
    await evaluations.waitFor(2_200, 120_000);
    const after = (await readPipeline(pipeline)).predictions.filter((p) =>
      p.requestId.startsWith(`s${SEED + 1}-`),
    );
    expect(after).toHaveLength(200);
    expect(after.every((p) => p.variant === STABLE)).toBe(true);
    expect(secretsInLogs(await pipeline.allLogs(), [OPERATOR_TOKEN])).toEqual([]);
    await publishSuiteReport('degraded-decision-and-model-server', {
      requests: 2_200,
      routerRestarts: pipeline.starts.router - 1,
      canaryErrors: canary.length,
      stableOk: stable.filter((p) => p.status === 'OK').length,
      rolledBackBy: rolledBack.lastCommand?.commandId,
    });
  }, 300_000);

  it('keeps working on cached schemas while the registry is down, and a service started during the outage recovers when it returns, dead-lettering nothing', async () => {
    const infra = testInfra();
    const credentials = { username: 'kanary-registry', password: 'registry-secret-4b9e7d' };
    const proxy = await RegistryProxy.start(infra.registryUrl, credentials);
    cleanup.push(() => proxy.close());
    const pipeline = await pipelineWith({
      env: {
        SCHEMA_REGISTRY_URL: proxy.url,
        SCHEMA_REGISTRY_USERNAME: credentials.username,
        SCHEMA_REGISTRY_PASSWORD: credentials.password,
      },
    });
    const evaluations = await countEvaluations(pipeline);
    await pipeline.startAll();
    await startCanary(pipeline);
    expect(
      (await sendTraffic(pipeline, { count: 1_000, rate: 500, seed: SEED })).error,
    ).toBeUndefined();
    await evaluations.waitFor(1_000, 120_000);

    // Outage: everything already running goes on with the schemas it has cached.
    proxy.failing = true;
    expect(
      (await sendTraffic(pipeline, { count: 1_000, rate: 500, seed: SEED + 1 })).error,
    ).toBeUndefined();
    await evaluations.waitFor(2_000, 120_000);
    const refusedWhileCached = proxy.stats.refused;

    // A model worker started during the outage has no schema yet: it waits, it does not die.
    await pipeline.kill('model-worker', 'SIGKILL');
    await pipeline.start('model-worker');
    expect(
      (await sendTraffic(pipeline, { count: 500, rate: 500, seed: SEED + 2 })).error,
    ).toBeUndefined();
    await waitFor(() => proxy.stats.refused > refusedWhileCached, {
      timeoutMs: 60_000,
      description: 'the new worker to ask the registry',
    });
    expect(evaluations.records.length).toBe(2_000);
    expect(pipeline.process('model-worker')?.running).toBe(true);

    // The registry returns: the backlog is processed, exactly once.
    proxy.failing = false;
    await evaluations.waitFor(2_500, 180_000);
    await waitForGroupsCaughtUp(pipeline.kafka, exactlyOnceGroups(pipeline), 120_000);
    const audit = auditPipeline(await readPipeline(pipeline));
    // Nothing dead-lettered for want of a schema: an outage is a wait, not bad input.
    expect(exactlyOnceProblems(audit, 2_500)).toEqual([]);
    expect(proxy.stats.unauthorized).toBe(0);
    expect(secretsInLogs(await pipeline.allLogs(), [credentials.password, OPERATOR_TOKEN])).toEqual(
      [],
    );
    await publishSuiteReport('degraded-registry', {
      requests: 2_500,
      registry: proxy.stats,
      refusedWhileServicesHadSchemasCached: refusedWhileCached,
      audit: {
        routed: audit.routed.records,
        predictions: audit.predictions.records,
        evaluations: audit.evaluations.records,
        deadLetters: audit.deadLetters,
      },
    });
  }, 300_000);
});
