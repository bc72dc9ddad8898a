import { fillEvents } from '../lib/backlog.js';
import {
  compareThroughput,
  passthroughContenders,
  type Contender,
} from '../lib/compare-throughput.js';
import { against, cpuShare, metric, withTarget } from '../lib/metric.js';
import { counterTotal } from '../lib/counter-total.js';
import {
  compareLatency,
  LATENCY_FIELDS,
  latencyMetric,
  passthroughLatencySubject,
  type LatencySubject,
} from '../lib/compare-latency.js';
import { inferenceRequest, requestId } from '../lib/records.js';
import type { Benchmark, BenchContext, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';
import { startReadyRouter } from './router-start.js';

/** The router's default ROUTER_MAX_BYTES_PER_PARTITION: the passthrough fetches the same. */
export const ROUTER_FETCH_BYTES = 131_072;

export function routerContender(stack: BenchStack, topics: BenchTopics): Contender {
  return {
    key: 'router',
    label: 'router Kafka ingress (exactly-once)',
    async start(run) {
      const router = await startReadyRouter(stack, topics, run);
      return {
        done: () =>
          counterTotal(router.registry, 'kanary_records_processed_total', {
            topic: topics.catalog.requests.name,
          }),
        stop: () => router.stop(),
      };
    },
  };
}

/** `n` inference requests for the router's default variant. */
export async function fillRequestBacklog(
  stack: BenchStack,
  topics: BenchTopics,
  n: number,
): Promise<void> {
  const now = Date.now();
  await fillEvents(stack, topics.catalog.requests, n, (i) => {
    const id = requestId('backlog', i);
    return [id, inferenceRequest(id, now)];
  });
}

/**
 * Both passthroughs (fetching `fetchBytes` per partition) and the `subjects` over one backlog of
 * `n` requests on fresh topics, compared by {@link compareThroughput}: every contender's metrics
 * by key, and the passthroughs' four (records/s and CPU per record of each) for the table.
 */
export async function compareOnRequestBacklog(
  stack: BenchStack,
  context: BenchContext,
  options: {
    readonly topicsLabel: string;
    readonly n: number;
    readonly fetchBytes: number;
    readonly keyPrefix: string;
    subjects(topics: BenchTopics): Contender[];
  },
): Promise<{ rates: Map<string, { rate: Metric; cpu: Metric }>; baselines: Metric[] }> {
  const topics = await stack.topics(options.topicsLabel);
  try {
    await fillRequestBacklog(stack, topics, options.n);
    const inputs = [topics.catalog.requests.name];
    const rates = await compareThroughput({
      contenders: [
        ...passthroughContenders(stack.kafka, topics, inputs, options.fetchBytes),
        ...options.subjects(topics),
      ],
      total: options.n,
      repetitions: context.repetitions,
      keyPrefix: options.keyPrefix,
      timeoutMs: 600_000,
      log: context.log,
    });
    const baselines = ['passthrough', 'passthrough-eos'].flatMap((key) => {
      const { rate, cpu } = rates.get(key)!;
      return [rate, cpu];
    });
    return { rates, baselines };
  } finally {
    await topics.dispose();
  }
}

async function kafkaIngress(
  stack: BenchStack,
  context: BenchContext,
  n: number,
): Promise<Metric[]> {
  const { rates, baselines } = await compareOnRequestBacklog(stack, context, {
    topicsLabel: 'router',
    n,
    fetchBytes: ROUTER_FETCH_BYTES,
    keyPrefix: 'router.kafka',
    subjects: (topics) => [routerContender(stack, topics)],
  });
  const plain = rates.get('passthrough')!;
  const eos = rates.get('passthrough-eos')!;
  const router = rates.get('router')!;
  return [
    ...baselines,
    withTarget(
      against(router.rate, eos.rate),
      'ratio-at-least',
      0.8,
      '≥ 80 % of the exactly-once passthrough',
    ),
    router.cpu,
    withTarget(
      cpuShare(
        'router.kafka.cpu-share',
        'router records per CPU-second, % of the exactly-once passthrough',
        router.cpu,
        eos.cpu,
      ),
      'at-least',
      80,
      '≥ 80 % (CPU view)',
    ),
    {
      ...against(router.rate, plain.rate),
      key: 'router.kafka.router-vs-at-least-once',
      label: 'router Kafka ingress vs the at-least-once passthrough',
    },
  ];
}

/** The router as a latency subject: its output is the routed topic. */
export function routerLatencySubject(stack: BenchStack): LatencySubject {
  return {
    key: 'router',
    label: 'router',
    async start(topics, run) {
      const router = await startReadyRouter(stack, topics, run);
      return { output: topics.catalog.routed.name, stop: () => router.stop() };
    },
  };
}

/** Latency of the router and of the exactly-once passthrough under the same paced load. */
async function ingressLatency(
  stack: BenchStack,
  context: BenchContext,
  rate: number,
): Promise<Metric[]> {
  const passthrough = passthroughLatencySubject(stack.kafka, ROUTER_FETCH_BYTES);
  const router = routerLatencySubject(stack);
  const runs = await compareLatency(stack, context, {
    topicsLabel: 'router-latency',
    rate,
    subjects: [passthrough, router],
  });
  const metrics: Metric[] = [];
  const at = ` at ${rate} requests/s`;
  for (const [field, what] of LATENCY_FIELDS) {
    const base = runs.get(passthrough.key)!.map((l) => l[field]);
    metrics.push(
      latencyMetric('router.latency', passthrough, field, runs.get(passthrough.key)!, at),
      latencyMetric('router.latency', router, field, runs.get(router.key)!, at),
      metric(
        `router.latency.added.${field}`,
        `router added latency ${what} (router − passthrough, per run)`,
        'ms',
        runs.get(router.key)!.map((l, i) => l[field] - base[i]!),
      ),
    );
  }
  return metrics;
}

export const routerBenchmark: Benchmark<BenchStack> = {
  name: 'router',
  title: 'Router: Kafka ingress',
  async run(stack, context): Promise<BenchmarkResult> {
    // Runs of several seconds each: at ~40,000 records/s a 60,000 backlog took ~1.5 s, and the
    // rates of such short runs moved by a third between repetitions.
    const n = context.quick ? 5_000 : 200_000;
    const rate = context.quick ? 200 : 1_000;
    context.log(`router: Kafka ingress over a backlog of ${n} requests`);
    const ingress = await kafkaIngress(stack, context, n);
    context.log(`router: latency at ${rate} requests/s`);
    const latency = await ingressLatency(stack, context, rate);
    return {
      name: 'router',
      title: this.title,
      setup:
        `Kafka ingress: backlog of ${n} InferenceRequests (~${'{"precipitation":0.3,"temp_max":12.8,"temp_min":5.1,"wind":4.7,"trueLabel":"a"}'.length}-character features), 4 partitions, ` +
        `models routed by ROUTER_DEFAULT_VARIANTS (one routed record per request), fetch ${ROUTER_FETCH_BYTES} B per partition for router and passthroughs. ` +
        `Latency: ${rate} requests/s paced in 10 ms ticks, 3 s warm-up discarded, fresh topics per run. ` +
        `The HTTP API is measured by the assign benchmark.`,
      metrics: [...ingress, ...latency],
      notes: [],
    };
  },
};
