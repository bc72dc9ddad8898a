import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ServiceProcess } from '@kanary/cli/service-process';
import { parsePolicy, startingWeight, type PolicyInput } from '@kanary/rollout';
import { constantDelay, runTraffic, SourceKind } from '@kanary/traffic';
import { fillEvents } from '../lib/backlog.js';
import { metric } from '../lib/metric.js';
import { startPipeline } from '../lib/pipeline-processes.js';
import { MODEL, startCommand } from '../lib/records.js';
import type { BenchContext, Benchmark, BenchmarkResult } from '../lib/results.js';
import { watchRollouts } from '../lib/rollout-watch.js';
import type { BenchStack } from '../lib/stack.js';

const RATE = 200;
const LABEL_DELAY_MS = 2_000;
const STABLE_ACCURACY = 0.9;
const CANARY_ACCURACY = 0.75;
/** The demo's policy (packages/cli demo): steps of 10, 30, 60 %, labels mature after the delay's tail. */
const POLICY: PolicyInput = {
  steps: [0.1, 0.3, 0.6],
  minSamplesPerStep: 150,
  labelMaturityMs: 2 * LABEL_DELAY_MS,
  maxStepDurationMs: 180_000,
  onStepTimeout: 'pause',
  latency: { referenceSamples: 300 },
};

interface Rollback {
  /** START applied by the router → ROLLED_BACK applied by the router (both the router's `updatedAt`). */
  readonly seconds: number;
  /** Mature labelled samples of the canary and the stable in the ROLLBACK decision's accuracy evidence. */
  readonly canarySamples: number;
  readonly stableSamples: number;
  readonly requests: number;
}

async function rollbackRun(
  stack: BenchStack,
  context: BenchContext,
  rep: number,
): Promise<Rollback> {
  const topics = await stack.topics('e2e');
  const logDir = fileURLToPath(new URL(`../out/${topics.prefix}`, import.meta.url));
  await mkdir(logDir, { recursive: true });
  const watch = await watchRollouts(
    stack.kafka,
    stack.codec,
    topics.catalog,
    `${topics.prefix}.watch`,
  );
  let services: ServiceProcess[] = [];
  const abort = new AbortController();
  try {
    services = await startPipeline(topics, logDir, {
      routers: 1,
      workers: 1,
      evaluators: 1,
      decision: true,
      accuracy: { stable: STABLE_ACCURACY, canary: CANARY_ACCURACY },
      latencyMs: 5,
    });
    const rolloutId = `e2e-${rep}-${topics.prefix}`;
    const policy = parsePolicy(POLICY);
    const start = startCommand(rolloutId, Date.now(), {
      canaryWeight: startingWeight(policy),
      policy: JSON.stringify(POLICY),
      reason: 'bench: a worse canary',
    });
    await fillEvents(stack, topics.catalog.commands, 1, () => [MODEL, start]);
    const traffic = runTraffic({
      kafka: stack.kafka,
      codec: stack.codec,
      catalog: topics.catalog,
      model: MODEL,
      source: { kind: SourceKind.SYNTHETIC, classes: ['a', 'b'] },
      rate: RATE,
      durationMs: 300_000,
      users: 5_000,
      seed: rep,
      runId: rolloutId,
      labels: {
        seed: rep,
        delay: constantDelay(LABEL_DELAY_MS),
        unlabelledFraction: 0,
        waitForLabels: false,
      },
      signal: abort.signal,
    });
    const mine = () => watch.states.filter((s) => s.rolloutId === rolloutId);
    const deadline = Date.now() + 300_000;
    while (
      !mine().some(
        (s) => s.phase === 'ROLLED_BACK' || s.phase === 'PROMOTED' || s.phase === 'PAUSED',
      )
    ) {
      const dead = services.find((p) => !p.running);
      if (dead) throw dead.failure('stopped during the run');
      if (Date.now() > deadline)
        throw new Error(
          `no decision within 300 s; states: ${mine()
            .map((s) => s.phase)
            .join(', ')}`,
        );
      await sleep(100);
    }
    abort.abort();
    const report = await traffic;
    const started = mine().find((s) => s.phase === 'CANARY');
    const ended = mine().find((s) => s.phase !== 'CANARY');
    if (started === undefined || ended?.phase !== 'ROLLED_BACK') {
      throw new Error(
        `expected CANARY then ROLLED_BACK, saw ${mine()
          .map((s) => s.phase)
          .join(', ')}`,
      );
    }
    let decision = watch.decisions.find(
      (d) => d.rolloutId === rolloutId && d.action === 'ROLLBACK',
    );
    for (let i = 0; decision === undefined && i < 100; i++) {
      await sleep(100);
      decision = watch.decisions.find((d) => d.rolloutId === rolloutId && d.action === 'ROLLBACK');
    }
    const accuracy = decision?.evidence.find((e) => e.metric === 'accuracy');
    const result = {
      seconds: (ended.updatedAt - started.updatedAt) / 1_000,
      canarySamples: accuracy?.nCanary ?? Number.NaN,
      stableSamples: accuracy?.nStable ?? Number.NaN,
      requests: report.requests,
    };
    context.log(
      `  run ${rep}: rolled back ${result.seconds.toFixed(1)} s after the start, on ${result.canarySamples} canary and ` +
        `${result.stableSamples} stable labelled samples (${result.requests} requests sent); reason: ${decision?.reason ?? '?'}`,
    );
    return result;
  } finally {
    abort.abort();
    await Promise.all(services.map((p) => p.stop()));
    await watch.close();
    await topics.dispose();
  }
}

export const endToEndBenchmark: Benchmark<BenchStack> = {
  name: 'end-to-end',
  title: 'End to end: a worse canary rolled back',
  async run(stack, context): Promise<BenchmarkResult> {
    const runs: Rollback[] = [];
    for (let rep = 1; rep <= context.repetitions; rep++)
      runs.push(await rollbackRun(stack, context, rep));
    return {
      name: 'end-to-end',
      title: this.title,
      setup:
        `Router, model worker, evaluator and decision service as processes (as the demo runs them), fresh topics per run. ` +
        `${RATE} requests/s of synthetic traffic; simulated stable accuracy ${STABLE_ACCURACY}, canary ${CANARY_ACCURACY}, both 5 ms; ` +
        `every request labelled after a constant ${LABEL_DELAY_MS / 1000} s; the demo's policy (steps 10/30/60 %, label maturity ${(2 * LABEL_DELAY_MS) / 1000} s, ` +
        'decision every 1 s). The canary is worse from its first request, so the clock starts when the router applies the START ' +
        '(its state `updatedAt`) and stops when it applies the ROLLBACK.',
      metrics: [
        metric(
          'e2e.rollback.seconds',
          'canary worse → ROLLBACK applied by the router',
          's',
          runs.map((r) => r.seconds),
        ),
        metric(
          'e2e.rollback.canary-samples',
          'canary labelled samples behind the ROLLBACK decision',
          'samples',
          runs.map((r) => r.canarySamples),
        ),
        metric(
          'e2e.rollback.stable-samples',
          'stable labelled samples behind the ROLLBACK decision',
          'samples',
          runs.map((r) => r.stableSamples),
        ),
      ],
      notes: [],
    };
  },
};
