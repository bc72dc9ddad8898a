import type { RoutedRequest } from '@kanary/contracts';
import { loadConfig, startModelWorker } from '@kanary/model-worker';
import { loadWeatherDataset, weatherFeaturesOf, type WeatherRow } from '@kanary/models';
import {
  ModelServerKind,
  modelServerAvailability,
  ModelServerProcess,
  SERVED_MODELS,
  servedModelVariants,
} from '../../services/model-worker/test/model-server-process.js';
import { fillEvents } from '../lib/backlog.js';
import { compareThroughput } from '../lib/compare-throughput.js';
import { against } from '../lib/metric.js';
import type { Benchmark, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';

/** Rows per V2 call of the batched worker (the single-row one sends one). */
const BATCH_ROWS = 16;

async function fillWeatherBacklog(stack: BenchStack, topics: BenchTopics, n: number) {
  const { rows } = await loadWeatherDataset();
  const now = Date.now();
  await fillEvents(stack, topics.catalog.routed, n, (i) => {
    const row = rows[i % rows.length] as WeatherRow;
    const request: RoutedRequest = {
      segment: null,
      requestId: `ms-${i}`,
      model: 'weather',
      routingKey: `u-${i % 97}`,
      features: JSON.stringify(weatherFeaturesOf(row)),
      timestamp: now,
      rolloutId: 'ro-model-servers',
      variant: SERVED_MODELS[i % SERVED_MODELS.length]!,
      role: 'STABLE',
      served: true,
      routedAt: now,
      dispatch: 'WORKER',
    };
    return [request.requestId, request];
  });
}

/**
 * The model worker's `http` backend against the real Open Inference (V2) servers the tests use
 * (MLServer, KServe; `bash scripts/model-servers` installs them): predictions per second over a
 * backlog of weather requests, one row per call against up to {@link BATCH_ROWS}.
 */
export const modelServersBenchmark: Benchmark<BenchStack> = {
  name: 'model-servers',
  title: 'Model worker against real model servers: one row per call vs batched',
  async run(stack, context): Promise<BenchmarkResult> {
    const n = context.quick ? 1_000 : 10_000;
    const metrics: Metric[] = [];
    const notes: string[] = [];
    for (const kind of [ModelServerKind.MLSERVER, ModelServerKind.KSERVE]) {
      const availability = modelServerAvailability(kind);
      if (!availability.available) {
        notes.push(`${kind}: not measured${availability.skipped}`);
        continue;
      }
      const server = await ModelServerProcess.start(kind);
      const topics = await stack.topics(`model-servers-${kind}`);
      try {
        context.log(`model-servers: ${kind}, backlog of ${n} routed requests`);
        await fillWeatherBacklog(stack, topics, n);
        const contender = (maxRows: number) => ({
          key: maxRows === 1 ? 'single' : 'batched',
          label: `${kind}, ${maxRows === 1 ? 'one row per call' : `up to ${maxRows} rows per call`}`,
          async start(run: string) {
            const worker = await startModelWorker(
              loadConfig({
                ...topics.env,
                KANARY_INSTANCE_ID: run,
                WORKER_GROUP_ID: `${topics.prefix}.worker.${run}`,
                OPS_PORT: '0',
                WORKER_VARIANTS: JSON.stringify(
                  servedModelVariants(server.baseUrl, { maxRows, timeoutMs: 5_000 }),
                ),
              }),
              stack.logger,
            );
            return { done: () => worker.runner.stats.processed, stop: () => worker.stop() };
          },
        });
        const rates = await compareThroughput({
          contenders: [contender(1), contender(BATCH_ROWS)],
          total: n,
          repetitions: context.repetitions,
          keyPrefix: `model-servers.${kind}`,
          timeoutMs: 600_000,
          log: context.log,
        });
        const single = rates.get('single')!;
        const batched = rates.get('batched')!;
        metrics.push(single.rate, single.cpu, against(batched.rate, single.rate), batched.cpu);
      } finally {
        await topics.dispose();
        await server.kill();
      }
    }
    return {
      name: 'model-servers',
      title: this.title,
      setup:
        `Backlog of ${n} RoutedRequests of the Seattle weather data, alternating two scikit-learn models (tree, logistic regression) served by one server; ` +
        `the worker with its defaults (concurrency 16) and the http backend over KServe v2, one row per call or up to ${BATCH_ROWS}; CPU is the worker's (bench process), not the server's.`,
      metrics,
      notes,
    };
  },
};
