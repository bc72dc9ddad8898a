import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { InProcessAssigner } from '@kanary/assigner';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { against, metric, withTarget } from '../lib/metric.js';
import { MODEL, STABLE_VARIANT } from '../lib/records.js';
import type { Benchmark, BenchmarkResult, BenchContext, Metric } from '../lib/results.js';
import type { BenchStack } from '../lib/stack.js';
import { startReadyRouter } from './router-start.js';

/** Concurrent connections of the HTTP load (the platform-speed target is set at 64). */
export const HTTP_CONNECTIONS = 64;
/** Assignments per `/v1/assign/batch` call, and the connections sending them. */
const BATCH_SIZE = 100;
const BATCH_CONNECTIONS = 8;

const ASSIGN_BODY = JSON.stringify({
  model: MODEL,
  routingKey: 'user-42',
  features: { temp_max: 12.8, wind: 4.7 },
});

/**
 * The baseline: a bare Fastify server answering `POST /v1/assign` with the same JSON shape the
 * router answers — no validation, no routing, no Kafka: what the HTTP stack alone costs.
 */
async function bareFastify(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false });
  app.post('/v1/assign', async (request) => {
    const body = request.body as { model: string };
    return {
      requestId: randomUUID(),
      model: body.model,
      variant: STABLE_VARIANT,
      role: 'STABLE',
      rolloutId: null,
      shadows: [],
    };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

interface HttpRun {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

async function load(
  url: string,
  seconds: number,
  options: { path?: string; body?: string; connections?: number } = {},
): Promise<HttpRun> {
  const result = await autocannon({
    url: `${url}${options.path ?? '/v1/assign'}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: options.body ?? ASSIGN_BODY,
    connections: options.connections ?? HTTP_CONNECTIONS,
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

/** The in-process assigner: assignments answered per second, and per second until all durable. */
async function inProcess(
  stack: BenchStack,
  prefix: string,
  n: number,
): Promise<{ answered: number; durable: number }> {
  const assigner = await InProcessAssigner.start({
    kafka: stack.kafka,
    codec: stack.codec,
    topicPrefix: prefix,
    defaultVariants: { [MODEL]: STABLE_VARIANT },
    logger: stack.logger,
  });
  try {
    // Warm-up: the schema's registry lookup and the JIT, not counted.
    for (let i = 0; i < 1_000; i++) assigner.assign({ model: MODEL, routingKey: `w-${i}` });
    await assigner.flush();
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      assigner.assign({ model: MODEL, routingKey: `user-${i}`, features: { temp_max: 12.8 } });
      // Let the background produces run, as a serving loop would between requests.
      if (i % 1_000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    const answeredNs = Number(process.hrtime.bigint() - started);
    await assigner.flush();
    const durableNs = Number(process.hrtime.bigint() - started);
    return { answered: n / (answeredNs / 1e9), durable: n / (durableNs / 1e9) };
  } finally {
    await assigner.stop();
  }
}

/** The two targets for `/v1/assign` throughput, in one verdict. */
function bothTargets(m: Metric): Metric {
  const rate = withTarget(m, 'at-least', 5_000, '≥ 5,000 requests/s');
  const ratio = withTarget(m, 'ratio-at-least', 0.4, '≥ 40 % of the bare Fastify baseline');
  return {
    ...m,
    target: {
      text: `${rate.target!.text} and ${ratio.target!.text}`,
      met: rate.target!.met && ratio.target!.met,
    },
  };
}

async function runAssign(stack: BenchStack, context: BenchContext): Promise<Metric[]> {
  const seconds = context.quick ? 3 : 10;
  const inProcessN = context.quick ? 20_000 : 200_000;
  const runs = {
    bare: [] as HttpRun[],
    router: [] as HttpRun[],
    batch: [] as HttpRun[],
    inProcess: [] as Array<{ answered: number; durable: number }>,
  };
  const batchBody = JSON.stringify({
    requests: Array.from({ length: BATCH_SIZE }, (_, i) => ({
      model: MODEL,
      routingKey: `user-${i}`,
      features: { temp_max: 12.8, wind: 4.7 },
    })),
  });
  const topics = await stack.topics('assign');
  try {
    for (let rep = 1; rep <= context.repetitions; rep++) {
      const bare = await bareFastify();
      try {
        await load(bare.url, 1); // connections and JIT warm-up, not counted
        runs.bare.push(await load(bare.url, seconds));
      } finally {
        await bare.close();
      }
      const router = await startReadyRouter(stack, topics, `assign-${rep}`);
      try {
        await load(router.url, 1);
        runs.router.push(await load(router.url, seconds));
        const batch = { path: '/v1/assign/batch', body: batchBody, connections: BATCH_CONNECTIONS };
        await load(router.url, 1, batch);
        const calls = await load(router.url, seconds, batch);
        runs.batch.push({ ...calls, perSecond: calls.perSecond * BATCH_SIZE });
      } finally {
        await router.stop();
      }
      runs.inProcess.push(await inProcess(stack, topics.prefix, inProcessN));
      const r = (name: keyof typeof runs) => runs[name].at(-1)!;
      const line = (x: HttpRun) => `${Math.round(x.perSecond)}/s, p50 ${x.p50} ms, p99 ${x.p99} ms`;
      context.log(`  run ${rep}: bare Fastify ${line(r('bare') as HttpRun)}`);
      context.log(`  run ${rep}: router /v1/assign ${line(r('router') as HttpRun)}`);
      context.log(
        `  run ${rep}: router /v1/assign/batch ${line(r('batch') as HttpRun)} (assignments/s)`,
      );
      const ip = runs.inProcess.at(-1)!;
      context.log(
        `  run ${rep}: in-process ${Math.round(ip.answered)} answered/s, ${Math.round(ip.durable)} durable/s`,
      );
    }
  } finally {
    await topics.dispose();
  }
  const label = (what: string, connections = HTTP_CONNECTIONS) =>
    `${what} (${connections} connections)`;
  const bareRate = metric(
    'assign.http.bare.throughput',
    label('bare Fastify answering the same JSON'),
    'requests/s',
    runs.bare.map((r) => r.perSecond),
  );
  return [
    bareRate,
    metric(
      'assign.http.bare.p99',
      label('bare Fastify latency p99'),
      'ms',
      runs.bare.map((r) => r.p99),
    ),
    bothTargets(
      against(
        metric(
          'assign.http.router.throughput',
          label('router POST /v1/assign'),
          'requests/s',
          runs.router.map((r) => r.perSecond),
        ),
        bareRate,
      ),
    ),
    metric(
      'assign.http.router.p50',
      label('router POST /v1/assign latency p50'),
      'ms',
      runs.router.map((r) => r.p50),
    ),
    withTarget(
      metric(
        'assign.http.router.p99',
        label('router POST /v1/assign latency p99'),
        'ms',
        runs.router.map((r) => r.p99),
      ),
      'at-most',
      25,
      '≤ 25 ms',
    ),
    metric(
      'assign.http.batch.throughput',
      label(`router POST /v1/assign/batch, ${BATCH_SIZE} per call`, BATCH_CONNECTIONS),
      'assignments/s',
      runs.batch.map((r) => r.perSecond),
    ),
    metric(
      'assign.http.batch.p99',
      label(`router POST /v1/assign/batch call latency p99`, BATCH_CONNECTIONS),
      'ms',
      runs.batch.map((r) => r.p99),
    ),
    metric(
      'assign.in-process.answered',
      'in-process assigner: assignments answered per second (one thread, records produced in the background)',
      'assignments/s',
      runs.inProcess.map((r) => r.answered),
    ),
    metric(
      'assign.in-process.durable',
      'in-process assigner: assignments per second until all are durable on inference.routed',
      'assignments/s',
      runs.inProcess.map((r) => r.durable),
    ),
  ];
}

export const assignBenchmark: Benchmark<BenchStack> = {
  name: 'assign',
  title: 'Assignment: HTTP /v1/assign (group commit), /v1/assign/batch, in-process assigner',
  async run(stack, context): Promise<BenchmarkResult> {
    const metrics = await runAssign(stack, context);
    const seconds = context.quick ? 3 : 10;
    return {
      name: 'assign',
      title: this.title,
      setup:
        `autocannon in a worker thread, ${seconds} s per run after a 1 s warm-up; router in the bench process with its defaults ` +
        `(group commit, linger 0), model routed by ROUTER_DEFAULT_VARIANTS (one routed record per assignment), Kafka on the same machine. ` +
        `Baseline: a bare Fastify server answering the same JSON, same run. In-process: ${context.quick ? 20_000 : 200_000} assignments in a loop yielding every 1,000.`,
      metrics,
      notes: [],
    };
  },
};
