import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { loadRouterConfig, startRouter, type Router } from '@kanary/router';
import autocannon from 'autocannon';
import { fillEvents } from '../lib/backlog.js';
import {
  compareThroughput,
  passthroughContenders,
  type Contender,
} from '../lib/compare-throughput.js';
import { against, cpuShare, metric, withTarget } from '../lib/metric.js';
import { counterTotal } from '../lib/once.js';
import { pacedLatency, type Latency } from '../lib/paced-latency.js';
import { PassthroughMode, startPassthrough } from '../lib/passthrough.js';
import {
  inferenceRequest,
  MODEL,
  requestId,
  routedRequest,
  STABLE_VARIANT,
} from '../lib/records.js';
import type { Benchmark, BenchContext, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';

/** The router's default ROUTER_MAX_BYTES_PER_PARTITION: the passthrough fetches the same. */
const ROUTER_FETCH_BYTES = 131_072;
const HTTP_CONNECTIONS = 32;

function routerConfig(topics: BenchTopics, run: string) {
  return loadRouterConfig({
    ...topics.env,
    KANARY_INSTANCE_ID: run,
    ROUTER_GROUP_ID: `${topics.prefix}.router.${run}`,
    ROUTER_HTTP_PORT: '0',
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_DEFAULT_VARIANTS: `${MODEL}=${STABLE_VARIANT}`,
  });
}

async function startReadyRouter(
  stack: BenchStack,
  topics: BenchTopics,
  run: string,
): Promise<Router> {
  const router = await startRouter(routerConfig(topics, run), { logger: stack.logger });
  await router.ready;
  return router;
}

function routerContender(stack: BenchStack, topics: BenchTopics): Contender {
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

async function kafkaIngress(
  stack: BenchStack,
  context: BenchContext,
  n: number,
): Promise<Metric[]> {
  const topics = await stack.topics('router');
  try {
    const now = Date.now();
    await fillEvents(stack, topics.catalog.requests, n, (i) => {
      const id = requestId('backlog', i);
      return [id, inferenceRequest(id, now)];
    });
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

/**
 * The baseline of the HTTP API: a bare `node:http` server that answers each POST after sending one
 * pre-encoded routed record with a producer configured like the router's RecordPublisher
 * (idempotent, one request in flight, acks=all). Hand-written because it is the point: no
 * framework, no validation, no encoding — the cost of one durable produce per request.
 */
async function bareHttpProducer(
  stack: BenchStack,
  topics: BenchTopics,
): Promise<{ url: string; close(): Promise<void> }> {
  const producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = await stack.codec.encode(
    topics.catalog.routed,
    routedRequest(requestId('http', 0), Date.now()),
  );
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = randomUUID();
      producer
        .send({ topic: topics.catalog.routed.name, messages: [{ key, value }], acks: -1 })
        .then(
          () => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ requestId: key, variant: STABLE_VARIANT }));
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await producer.disconnect();
    },
  };
}

interface HttpRun {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

async function load(url: string, seconds: number): Promise<HttpRun> {
  const result = await autocannon({
    url: `${url}/v1/assign`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODEL,
      routingKey: 'user-42',
      features: { temp_max: 12.8, wind: 4.7 },
    }),
    connections: HTTP_CONNECTIONS,
    duration: seconds,
    // The load comes from a worker thread: in the main thread it would compete with the server
    // (router or bare) for the one event loop it measures.
    workers: 1,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function httpAssign(stack: BenchStack, context: BenchContext): Promise<Metric[]> {
  const seconds = context.quick ? 3 : 10;
  const runs: Record<'bare' | 'router', HttpRun[]> = { bare: [], router: [] };
  const topics = await stack.topics('router-http');
  try {
    for (let rep = 1; rep <= context.repetitions; rep++) {
      const bare = await bareHttpProducer(stack, topics);
      try {
        await load(bare.url, 1); // connections and JIT warm-up, not counted
        runs.bare.push(await load(bare.url, seconds));
      } finally {
        await bare.close();
      }
      const router = await startReadyRouter(stack, topics, `http-${rep}`);
      try {
        await load(router.url, 1);
        runs.router.push(await load(router.url, seconds));
      } finally {
        await router.stop();
      }
      for (const subject of ['bare', 'router'] as const) {
        const r = runs[subject].at(-1)!;
        context.log(
          `  HTTP ${subject}, run ${rep}: ${Math.round(r.perSecond)} requests/s, p50 ${r.p50} ms, p99 ${r.p99} ms`,
        );
      }
    }
  } finally {
    await topics.dispose();
  }
  const label = (what: string) => `${what} (${HTTP_CONNECTIONS} connections)`;
  const bareRate = metric(
    'router.http.bare.throughput',
    label('bare node:http + one produce per request'),
    'requests/s',
    runs.bare.map((r) => r.perSecond),
  );
  return [
    bareRate,
    metric(
      'router.http.bare.p50',
      label('bare node:http latency p50'),
      'ms',
      runs.bare.map((r) => r.p50),
    ),
    metric(
      'router.http.bare.p99',
      label('bare node:http latency p99'),
      'ms',
      runs.bare.map((r) => r.p99),
    ),
    against(
      metric(
        'router.http.router.throughput',
        label('router POST /v1/assign'),
        'requests/s',
        runs.router.map((r) => r.perSecond),
      ),
      bareRate,
    ),
    metric(
      'router.http.router.p50',
      label('router POST /v1/assign latency p50'),
      'ms',
      runs.router.map((r) => r.p50),
    ),
    metric(
      'router.http.router.p99',
      label('router POST /v1/assign latency p99'),
      'ms',
      runs.router.map((r) => r.p99),
    ),
  ];
}

export const routerBenchmark: Benchmark<BenchStack> = {
  name: 'router',
  title: 'Router: Kafka ingress and HTTP /v1/assign',
  async run(stack, context): Promise<BenchmarkResult> {
    const n = context.quick ? 5_000 : 60_000;
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
