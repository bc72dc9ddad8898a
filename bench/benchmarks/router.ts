import { fillEvents } from '../lib/backlog.js';
import {
  compareThroughput,
  passthroughContenders,
  type Contender,
} from '../lib/compare-throughput.js';
import { against, cpuShare, metric, withTarget } from '../lib/metric.js';
import { counterTotal } from '../lib/counter-total.js';
import { pacedLatency, type Latency } from '../lib/paced-latency.js';
import { PassthroughMode, startPassthrough } from '../lib/passthrough.js';
import { inferenceRequest, requestId } from '../lib/records.js';
import type { Benchmark, BenchContext, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';
import { HTTP_CONNECTIONS, httpAssign } from './router-http.js';
import { startReadyRouter } from './router-start.js';

/** The router's default ROUTER_MAX_BYTES_PER_PARTITION: the passthrough fetches the same. */
const ROUTER_FETCH_BYTES = 131_072;

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

async function kafkaIngress(
  stack: BenchStack,
  context: BenchContext,
  n: number,
): Promise<Metric[]> {
  const topics = await stack.topics('router');
  try {
    await fillRequestBacklog(stack, topics, n);
    const rates = await compareThroughput({
      contenders: [
        ...passthroughContenders(
          stack.kafka,
          topics,
          [topics.catalog.requests.name],
          ROUTER_FETCH_BYTES,
        ),
        routerContender(stack, topics),
      ],
      total: n,
      repetitions: context.repetitions,
      keyPrefix: 'router.kafka',
      timeoutMs: 600_000,
      log: context.log,
    });
    const plain = rates.get('passthrough')!;
    const eos = rates.get('passthrough-eos')!;
    const router = rates.get('router')!;
    return [
      plain.rate,
      plain.cpu,
      eos.rate,
      eos.cpu,
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
  } finally {
    await topics.dispose();
  }
}

/** Latency of the router and of the exactly-once passthrough under the same paced load. */
async function ingressLatency(
  stack: BenchStack,
  context: BenchContext,
  rate: number,
): Promise<Metric[]> {
  const measureMs = context.quick ? 3_000 : 10_000;
  const runs: Record<'router' | 'passthrough', Latency[]> = { router: [], passthrough: [] };
  for (let rep = 1; rep <= context.repetitions; rep++) {
    for (const subject of ['passthrough', 'router'] as const) {
      const topics = await stack.topics('router-latency');
      try {
        let stop: () => Promise<void>;
        let output: string;
        if (subject === 'router') {
          const router = await startReadyRouter(stack, topics, `lat-${rep}`);
          stop = () => router.stop();
          output = topics.catalog.routed.name;
        } else {
          output = await topics.extra('passthrough');
          const pt = await startPassthrough({
            kafka: stack.kafka,
            inputs: [topics.catalog.requests.name],
            output,
            mode: PassthroughMode.EXACTLY_ONCE,
            groupId: `${topics.prefix}.pt`,
            maxBytesPerPartition: ROUTER_FETCH_BYTES,
          });
          stop = () => pt.stop();
        }
        try {
          const latency = await pacedLatency({
            kafka: stack.kafka,
            input: topics.catalog.requests.name,
            output,
            groupId: `${topics.prefix}.collector`,
            rate,
            warmupMs: 3_000,
            measureMs,
            record: async (i, now) => {
              const id = requestId(`lat${rep}`, i);
              return {
                key: id,
                value: await stack.codec.encode(topics.catalog.requests, inferenceRequest(id, now)),
              };
            },
          });
          runs[subject].push(latency);
          context.log(
            `  ${subject} latency, run ${rep} at ${rate}/s: record p50 ${latency.recordP50} ms, p99 ${latency.recordP99} ms; ` +
              `visible p50 ${latency.visibleP50} ms, p99 ${latency.visibleP99} ms (${latency.samples} samples)`,
          );
        } finally {
          await stop();
        }
      } finally {
        await topics.dispose();
      }
    }
  }
  const of = (subject: 'router' | 'passthrough', field: keyof Latency) =>
    runs[subject].map((l) => l[field]);
  const metrics: Metric[] = [];
  for (const [field, what] of [
    ['recordP50', 'p50, request → routed record timestamp'],
    ['recordP99', 'p99, request → routed record timestamp'],
    ['visibleP50', 'p50, request → visible to read_committed'],
    ['visibleP99', 'p99, request → visible to read_committed'],
  ] as const) {
    const base = metric(
      `router.latency.passthrough-eos.${field}`,
      `exactly-once passthrough latency ${what}`,
      'ms',
      of('passthrough', field),
    );
    const subject = metric(
      `router.latency.router.${field}`,
      `router latency ${what} at ${rate} requests/s`,
      'ms',
      of('router', field),
    );
    const added = metric(
      `router.latency.added.${field}`,
      `router added latency ${what} (router − passthrough, per run)`,
      'ms',
      of('router', field).map((v, i) => v - of('passthrough', field)[i]!),
    );
    metrics.push(base, subject, added);
  }
  return metrics;
}

export const routerBenchmark: Benchmark<BenchStack> = {
  name: 'router',
  title: 'Router: Kafka ingress and HTTP /v1/assign',
  async run(stack, context): Promise<BenchmarkResult> {
    // Runs of several seconds each: at ~40,000 records/s a 60,000 backlog took ~1.5 s, and the
    // rates of such short runs moved by a third between repetitions.
    const n = context.quick ? 5_000 : 200_000;
    const rate = context.quick ? 200 : 1_000;
    context.log(`router: Kafka ingress over a backlog of ${n} requests`);
    const ingress = await kafkaIngress(stack, context, n);
    context.log(`router: latency at ${rate} requests/s`);
    const latency = await ingressLatency(stack, context, rate);
    context.log('router: HTTP /v1/assign');
    const http = await httpAssign(stack, context);
    return {
      name: 'router',
      title: this.title,
      setup:
        `Kafka ingress: backlog of ${n} InferenceRequests (~${'{"precipitation":0.3,"temp_max":12.8,"temp_min":5.1,"wind":4.7,"trueLabel":"a"}'.length}-character features), 4 partitions, ` +
        `models routed by ROUTER_DEFAULT_VARIANTS (one routed record per request), fetch ${ROUTER_FETCH_BYTES} B per partition for router and passthroughs. ` +
        `Latency: ${rate} requests/s paced in 10 ms ticks, 3 s warm-up discarded, fresh topics per run. ` +
        `HTTP: autocannon, ${HTTP_CONNECTIONS} connections, ${context.quick ? 3 : 10} s per run after a 1 s warm-up.`,
      metrics: [...ingress, ...latency, ...http],
      notes: [],
    };
  },
};
