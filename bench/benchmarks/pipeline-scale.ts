/**
 * The pipeline's throughput with one and with two instances each of router, model worker and
 * evaluator, as processes on one machine: a backlog of requests (and their labels) in Kafka mode
 * through router → worker → evaluator, timed by the evaluations reaching a read_committed
 * consumer. See bench/README.md and RESULTS.md.
 */
import { mkdir } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ServiceProcess } from '@kanary/cli/service-process';
import type { Kafka } from 'kafkajs';
import { fillEvents } from '../lib/backlog.js';
import { metric } from '../lib/metric.js';
import { startPipeline } from '../lib/pipeline-processes.js';
import { inferenceRequest, label, MODEL, requestId, startCommand } from '../lib/records.js';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from '../lib/results.js';
import { watchRollouts } from '../lib/rollout-watch.js';
import type { BenchStack } from '../lib/stack.js';

/** Requests of the backlog (each labelled): several seconds of work at every size. */
const REQUESTS = 100_000;
const QUICK_REQUESTS = 10_000;
const CANARY_WEIGHT = 0.5;
const INSTANCES = [1, 2] as const;

interface ScaleRun {
  readonly instances: number;
  /**
   * Requests of the backlog over the time from the start of its writing to its last evaluation
   * (one evaluation per request): the rate at which the pipeline drains a backlog, every stage
   * working at once.
   */
  readonly perSecond: number;
  /** Spawn of the services → all ready, s. */
  readonly startSeconds: number;
}

/** Counts the records of `topic` a read_committed consumer receives; `count()` reads the total. */
async function countRecords(kafka: Kafka, topic: string, groupId: string) {
  let count = 0;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxBytesPerPartition: 4 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      count += batch.messages.length;
    },
  });
  return { count: () => count, close: () => consumer.disconnect() };
}

async function scaleRun(
  stack: BenchStack,
  context: BenchContext,
  instances: number,
  requests: number,
  rep: number,
): Promise<ScaleRun> {
  const topics = await stack.topics(`scale-${instances}`);
  const logDir = fileURLToPath(new URL(`../out/${topics.prefix}`, import.meta.url));
  await mkdir(logDir, { recursive: true });
  const rolloutId = `scale-${instances}-${rep}-${topics.prefix}`;
  const watch = await watchRollouts(
    stack.kafka,
    stack.codec,
    topics.catalog,
    `${topics.prefix}.watch`,
  );
  const evaluations = await countRecords(
    stack.kafka,
    topics.catalog.evaluations.name,
    `${topics.prefix}.count`,
  );
  let services: ServiceProcess[] = [];
  try {
    // A rollout at 50 % whose evidence the evaluators fold; labels mature only after an hour, so
    // nothing is decided (and no decision service runs).
    const policy = JSON.stringify({ steps: [CANARY_WEIGHT], labelMaturityMs: 3_600_000 });
    await fillEvents(stack, topics.catalog.commands, 1, () => [
      MODEL,
      startCommand(rolloutId, Date.now(), { canaryWeight: CANARY_WEIGHT, policy }),
    ]);
    const spawnedAt = performance.now();
    services = await startPipeline(topics, logDir, {
      routers: instances,
      workers: instances,
      evaluators: instances,
      decision: false,
      accuracy: { stable: 0.9, canary: 0.9 },
      latencyMs: 0,
    });
    const startSeconds = (performance.now() - spawnedAt) / 1_000;
    for (let i = 0; !watch.states.some((s) => s.rolloutId === rolloutId); i++) {
      if (i > 600) throw new Error('the router did not apply the START within 60 s');
      await sleep(100);
    }
    const now = Date.now();
    const fillStartedAt = performance.now();
    await fillEvents(stack, topics.catalog.requests, requests, (i) => {
      const id = requestId(`s${instances}r${rep}`, i);
      return [id, inferenceRequest(id, now)];
    });
    await fillEvents(stack, topics.catalog.labels, requests, (i) => {
      const id = requestId(`s${instances}r${rep}`, i);
      return [id, label(id, now)];
    });
    const deadline = Date.now() + 600_000;
    while (evaluations.count() < requests) {
      const dead = services.find((p) => !p.running);
      if (dead) throw dead.failure('stopped during the run');
      if (Date.now() > deadline) {
        throw new Error(`${evaluations.count()} of ${requests} evaluations within 600 s`);
      }
      await sleep(10);
    }
    const drainedAt = performance.now();
    const perSecond = requests / ((drainedAt - fillStartedAt) / 1_000);
    context.log(
      `  ${instances} of each, run ${rep}: ${perSecond.toFixed(0)} requests/s (services ready ${startSeconds.toFixed(1)} s after the spawn)`,
    );
    return { instances, perSecond, startSeconds };
  } finally {
    await Promise.all(services.map((p) => p.stop()));
    await evaluations.close();
    await watch.close();
    await topics.dispose();
  }
}

export const pipelineScaleBenchmark: Benchmark<BenchStack> = {
  name: 'pipeline-scale',
  title: 'Pipeline throughput: one and two instances of each stage',
  async run(stack, context): Promise<BenchmarkResult> {
    const requests = context.quick ? QUICK_REQUESTS : REQUESTS;
    const runs = new Map<number, ScaleRun[]>(INSTANCES.map((n) => [n, []]));
    for (let rep = 1; rep <= context.repetitions; rep++) {
      for (const n of INSTANCES)
        runs.get(n)!.push(await scaleRun(stack, context, n, requests, rep));
    }
    const rate = (n: number): Metric =>
      metric(
        `pipeline-scale.${n}.requests-per-second`,
        `${n} router${n > 1 ? 's' : ''}, ${n} model worker${n > 1 ? 's' : ''}, ${n} evaluator${n > 1 ? 's' : ''}: requests/s through to evaluations`,
        'requests/s',
        runs.get(n)!.map((r) => r.perSecond),
      );
    const [one, two] = INSTANCES.map((n) => runs.get(n)!);
    return {
      name: 'pipeline-scale',
      title: this.title,
      setup:
        `Router, model worker and evaluator as processes (as the demo runs them; ${INSTANCES.join(' and ')} instances of each, in one consumer group per stage), ` +
        `fresh topics per run (4 partitions). A rollout at ${CANARY_WEIGHT * 100} % canary started first (the evaluators fold its evidence), both variants simulated with zero latency. ` +
        `Once every service is ready and the router has applied the START: a backlog of ${requests.toLocaleString('en-US')} requests on inference.requests (Kafka mode) and their labels, ` +
        'requests/s = the backlog over the time from the start of its writing to its last evaluation reaching a read_committed consumer (every stage working at once). ' +
        'Every stage is exactly-once (transactional producer per input partition). The runs alternate between sizes.',
      metrics: [
        rate(1),
        rate(2),
        metric(
          'pipeline-scale.ratio',
          'two instances of each / one of each, requests/s (per repetition)',
          '×',
          two!.map((r, i) => r.perSecond / one![i]!.perSecond),
        ),
      ],
      notes: [],
    };
  },
};
