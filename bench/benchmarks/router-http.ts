import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { against, metric } from '../lib/metric.js';
import { MODEL, requestId, routedRequest, STABLE_VARIANT } from '../lib/records.js';
import type { BenchContext, Metric } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';
import { startReadyRouter } from './router-start.js';

export const HTTP_CONNECTIONS = 32;

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

/** `POST /v1/assign` under concurrent load, next to a bare HTTP server that only produces. */
export async function httpAssign(stack: BenchStack, context: BenchContext): Promise<Metric[]> {
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
