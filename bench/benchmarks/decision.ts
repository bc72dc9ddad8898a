import { performance } from 'node:perf_hooks';
import type { Evaluation, RolloutState } from '@kanary/contracts';
import { loadDecisionConfig, startDecisionService } from '@kanary/decision';
import { createDecisionEngine, type DecisionEngine } from '@kanary/decision-engine';
import { fillEvents } from '../lib/backlog.js';
import { measureRate } from '../lib/measure-rate.js';
import { metric, against, withTarget } from '../lib/metric.js';
import { evaluation, MODEL, requestId, startedRollout } from '../lib/records.js';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack } from '../lib/stack.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
/** Simulated length of the rollout the evaluations are spread over (under the policy's 24 h step timeout). */
const SPAN_MS = 20 * HOUR;
const ROLLOUT_ID = 'bench-decision-rollout';

/** A rollout of MODEL started at T0 with the default policy (label maturity 1 h, 1 % canary). */
const startedState = (): RolloutState => startedRollout(ROLLOUT_ID, T0);

interface TickRun {
  readonly ingestPerSecond: number;
  readonly tickMs: number;
  /** CPU time of the tick: unlike wall time, not inflated when a loaded machine deschedules the process. */
  readonly tickCpuMs: number;
  readonly action: string;
}

/**
 * Feeds `n` evaluations (both arms alternating, 90 % correct, predictions spread evenly over
 * {@link SPAN_MS}, labels 1 s later) through the engine's public API, then times the first `tick` after all of them are
 * mature: the policy judged on `n` evaluations. The engine keeps sufficient statistics (counts
 * per arm and maturity bucket, latency sketches), so this time should not grow with `n`; the
 * same tick also folds the ~20 hourly-maturity buckets into the totals.
 */
function engineRun(n: number): TickRun {
  const engine = createDecisionEngine();
  engine.onState(startedState());
  const step = SPAN_MS / n;
  // A pool of evaluations whose times are set per call, so the loop measures the engine rather
  // than building 10M objects (the engine keeps none of them).
  const pool: Array<{ -readonly [K in keyof Evaluation]: Evaluation[K] }> = Array.from(
    { length: 1_024 },
    (_, i) => ({ ...evaluation(requestId('e', i), i, ROLLOUT_ID, T0) }),
  );
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const e = pool[i & 1_023]!;
    e.predictedAt = T0 + 1_000 + Math.floor(i * step);
    e.labeledAt = e.predictedAt + 1_000;
    engine.onEvaluation(e);
  }
  const ingestSeconds = (performance.now() - started) / 1_000;
  const cpuStarted = process.cpuUsage();
  const tickStarted = performance.now();
  const output = engine.tick(T0 + SPAN_MS + 2 * HOUR);
  const tickMs = performance.now() - tickStarted;
  const cpu = process.cpuUsage(cpuStarted);
  const action = output.reports[0]?.action ?? 'none';
  return {
    ingestPerSecond: n / ingestSeconds,
    tickMs,
    tickCpuMs: (cpu.user + cpu.system) / 1_000,
    action,
  };
}

/** The decision service reading a backlog of evaluations from Kafka, counted at the engine. */
async function serviceIngest(
  stack: BenchStack,
  context: BenchContext,
  n: number,
): Promise<Metric[]> {
  const topics = await stack.topics('decision');
  try {
    await fillEvents(stack, topics.catalog.state, 1, () => [MODEL, startedState()]);
    await fillEvents(stack, topics.catalog.evaluations, n, (i) => {
      const id = requestId('backlog', i);
      return [id, evaluation(id, i, ROLLOUT_ID, T0 + 1_000 + i)];
    });
    const raw: number[] = [];
    const service: number[] = [];
    for (let rep = 1; rep <= context.repetitions; rep++) {
      // Baseline: a kafkajs consumer that only counts the records (the service also produces nothing per evaluation).
      let consumed = 0;
      const consumer = stack.kafka.consumer({
        groupId: `${topics.prefix}.raw.${rep}`,
        readUncommitted: false,
      });
      await consumer.connect();
      await consumer.subscribe({ topics: [topics.catalog.evaluations.name], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          consumed += batch.messages.length;
          return Promise.resolve();
        },
      });
      try {
        raw.push((await measureRate(() => consumed, n, 600_000)).perSecond);
      } finally {
        await consumer.disconnect();
      }

      let fed = 0;
      const inner = createDecisionEngine();
      const engine: DecisionEngine = {
        ...inner,
        onEvaluation(e) {
          fed += 1;
          inner.onEvaluation(e);
        },
      };
      const config = loadDecisionConfig({
        ...topics.env,
        DECISION_GROUP_ID: `${topics.prefix}.decision.${rep}`,
        DECISION_OPS_PORT: '0',
        DECISION_OPS_HOST: '127.0.0.1',
        DECISION_READ_PREDICTIONS: 'false',
      });
      const running = await startDecisionService(config, { logger: stack.logger, engine });
      try {
        service.push((await measureRate(() => fed, n, 600_000)).perSecond);
        await running.ready;
      } finally {
        await running.stop();
      }
      context.log(
        `  run ${rep}: raw consumer ${Math.round(raw.at(-1)!)} records/s, decision service ${Math.round(service.at(-1)!)} evaluations/s`,
      );
    }
    const base = metric(
      'decision.ingest.raw-consumer',
      'kafkajs consumer, count only (read_committed)',
      'records/s',
      raw,
    );
    return [
      base,
      against(
        metric(
          'decision.ingest.service',
          'decision service: evaluations fed to the engine from Kafka',
          'evaluations/s',
          service,
        ),
        base,
      ),
    ];
  } finally {
    await topics.dispose();
  }
}

export const decisionBenchmark: Benchmark<BenchStack> = {
  name: 'decision',
  title: 'Decision: evaluations ingested and policy evaluation time',
  async run(stack, context): Promise<BenchmarkResult> {
    const sizes = context.quick ? [10_000, 100_000] : [10_000, 1_000_000, 10_000_000];
    const metrics: Metric[] = [];
    // Warm-up, not counted: the first tick of a process also compiles the policy code.
    for (let i = 0; i < 3; i++) engineRun(10_000);
    for (const n of sizes) {
      const runs: TickRun[] = [];
      for (let rep = 1; rep <= context.repetitions; rep++) {
        runs.push(engineRun(n));
        const r = runs.at(-1)!;
        context.log(
          `  engine, ${n} evaluations, run ${rep}: ${Math.round(r.ingestPerSecond)} onEvaluation/s, ` +
            `tick ${r.tickMs.toFixed(3)} ms (CPU ${r.tickCpuMs.toFixed(3)} ms, ${r.action})`,
        );
      }
      const label = n.toLocaleString('en-US');
      const tick = metric(
        `decision.tick.${n}`,
        `policy evaluation (one tick) after ${label} evaluations`,
        'ms',
        runs.map((r) => r.tickMs),
      );
      const tickCpu = metric(
        `decision.tick-cpu.${n}`,
        `CPU time of that tick after ${label} evaluations`,
        'ms',
        runs.map((r) => r.tickCpuMs),
      );
      metrics.push(
        n === 10_000_000 ? withTarget(tick, 'below', 100, '< 100 ms') : tick,
        n === 10_000_000 ? withTarget(tickCpu, 'below', 100, '< 100 ms') : tickCpu,
        metric(
          `decision.engine-ingest.${n}`,
          `engine onEvaluation calls/s (in process, ${label})`,
          'evaluations/s',
          runs.map((r) => r.ingestPerSecond),
        ),
      );
    }
    const n = context.quick ? 50_000 : 200_000;
    context.log(`decision: service ingest of ${n} evaluations from Kafka`);
    metrics.push(...(await serviceIngest(stack, context, n)));
    return {
      name: 'decision',
      title: this.title,
      setup:
        `Engine: default policy (label maturity 1 h), one rollout, n evaluations of both arms spread over a simulated ${SPAN_MS / HOUR} h, fed with onEvaluation (a pool of 1,024 evaluation objects whose times are set per call), ` +
        'then one tick after all are mature, timed with performance.now(); a fresh engine per run. ' +
        `Service: backlog of ${n} Evaluations and the rollout's state, the service started on it (DECISION_READ_PREDICTIONS=false), evaluations counted as the engine receives them; ` +
        'baseline: a kafkajs consumer that only counts the same records.',
      metrics,
      notes: [],
    };
  },
};
