import { loadConfig, startModelWorker } from '@kanary/model-worker';
import { fillEvents } from '../lib/backlog.js';
import { compareThroughput, passthroughContenders } from '../lib/compare-throughput.js';
import { against, metric } from '../lib/metric.js';
import type { LatencySubject } from '../lib/compare-latency.js';
import { CANARY_VARIANT, requestId, routedRequest, STABLE_VARIANT } from '../lib/records.js';
import type { Benchmark, BenchmarkResult } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';
import { startReadyRouter } from './router-start.js';

/** The worker's default WORKER_MAX_BYTES_PER_PARTITION: the passthrough fetches the same. */
const WORKER_FETCH_BYTES = 262_144;

/** A model worker serving `variants` with a zero-latency simulated backend, in a group of its own. */
async function startSimWorker(
  stack: BenchStack,
  topics: BenchTopics,
  run: string,
  variants: readonly string[],
) {
  const sim = { kind: 'sim', accuracy: 0.9, classes: ['a', 'b'], latency: { constantMs: 0 } };
  const config = loadConfig({
    ...topics.env,
    KANARY_INSTANCE_ID: run,
    WORKER_GROUP_ID: `${topics.prefix}.worker.${run}`,
    OPS_PORT: '0',
    WORKER_SIMULATE_LATENCY: 'false',
    WORKER_VARIANTS: JSON.stringify(Object.fromEntries(variants.map((v) => [v, sim]))),
  });
  return startModelWorker(config, stack.logger);
}

/**
 * Kafka mode as a user sees it: a request on `inference.requests` → its prediction visible,
 * through the router and a model worker (zero-latency simulated backend, both variants).
 */
export function kafkaModeLatencySubject(stack: BenchStack): LatencySubject {
  return {
    key: 'kafka-mode',
    label: 'Kafka mode, router + model worker (request → prediction)',
    async start(topics, run) {
      const router = await startReadyRouter(stack, topics, run);
      const worker = await startSimWorker(stack, topics, run, [STABLE_VARIANT, CANARY_VARIANT]);
      return {
        output: topics.catalog.predictions.name,
        stop: async () => {
          await worker.stop();
          await router.stop();
        },
      };
    },
  };
}

/**
 * One model worker with a zero-latency simulated backend (WORKER_SIMULATE_LATENCY=false, constant
 * 0 ms) against the passthroughs over the same backlog of routed requests. The difference of the
 * per-record times is the worker's own cost per prediction: decode, backend call, encode.
 * services/model-worker/test/throughput.bench.ts measures the worker alone by hand; this puts it
 * next to its baseline.
 */
export const workerBenchmark: Benchmark<BenchStack> = {
  name: 'worker',
  title: 'Model worker with a zero-latency simulated backend',
  async run(stack, context): Promise<BenchmarkResult> {
    const n = context.quick ? 5_000 : 60_000;
    context.log(`worker: backlog of ${n} routed requests`);
    const topics = await stack.topics('worker');
    try {
      const now = Date.now();
      await fillEvents(stack, topics.catalog.routed, n, (i) => {
        const id = requestId('backlog', i);
        return [id, routedRequest(id, now)];
      });
      const rates = await compareThroughput({
        contenders: [
          ...passthroughContenders(
            stack.kafka,
            topics,
            [topics.catalog.routed.name],
            WORKER_FETCH_BYTES,
          ),
          {
            key: 'worker',
            label: 'model worker, zero-latency sim (exactly-once)',
            async start(run) {
              const worker = await startSimWorker(stack, topics, run, [STABLE_VARIANT]);
              return { done: () => worker.runner.stats.processed, stop: () => worker.stop() };
            },
          },
        ],
        total: n,
        repetitions: context.repetitions,
        keyPrefix: 'worker',
        timeoutMs: 600_000,
        log: context.log,
      });
      const plain = rates.get('passthrough')!;
      const eos = rates.get('passthrough-eos')!;
      const worker = rates.get('worker')!;
      // Per-run pairs (the same repetition) so the load of that moment cancels out.
      const overhead = worker.rate.runs.map((w, i) => (1 / w - 1 / eos.rate.runs[i]!) * 1e6);
      const cpuOverhead = worker.cpu.runs.map((w, i) => w - eos.cpu.runs[i]!);
      return {
        name: 'worker',
        title: this.title,
        setup:
          `Backlog of ${n} RoutedRequests, 4 partitions, fetch ${WORKER_FETCH_BYTES} B per partition for worker and passthroughs; ` +
          'the worker runs with its defaults (concurrency 16, one transaction per fetched batch).',
        metrics: [
          plain.rate,
          plain.cpu,
          eos.rate,
          eos.cpu,
          against(worker.rate, eos.rate),
          worker.cpu,
          metric(
            'worker.overhead',
            'worker wall time per prediction over the exactly-once passthrough (1/worker − 1/passthrough, per run)',
            'µs',
            overhead,
          ),
          metric(
            'worker.cpu-overhead',
            'worker CPU per prediction over the exactly-once passthrough (per run)',
            'µs',
            cpuOverhead,
          ),
        ],
        notes: [],
      };
    } finally {
      await topics.dispose();
    }
  },
};
