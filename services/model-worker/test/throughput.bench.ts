/**
 * Predictions per second of one model worker with a zero-latency simulated backend, end to end
 * through the broker (decode, predict, encode, transactional produce and offset commit). Not a
 * test: run it by hand against a running stack.
 *
 *   KAFKA_BROKERS=localhost:19092 SCHEMA_REGISTRY_URL=http://localhost:18081/apis/ccompat/v7 \
 *     node --conditions=source --import tsx services/model-worker/test/throughput.bench.ts [requests]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EventCodec, topicCatalog, type RoutedRequest } from '@kanary/contracts';
import { createKafka, ensureTopics } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import kafkajs from 'kafkajs';
import { loadConfig, startModelWorker } from '../src/index.js';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;
const n = Number(process.argv[2] ?? 50_000);
const prefix = `bench-${randomUUID().slice(0, 8)}`;
const config = loadConfig({
  ...process.env,
  KANARY_TOPIC_PREFIX: prefix,
  KANARY_DATA_PARTITIONS: '4',
  OPS_PORT: '0',
  WORKER_SIMULATE_LATENCY: 'false',
  WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? '64',
  WORKER_MAX_BYTES_PER_PARTITION: process.env.WORKER_MAX_BYTES_PER_PARTITION ?? '1048576',
  WORKER_VARIANTS: JSON.stringify({ sim: { kind: 'sim', accuracy: 0.9, classes: ['a', 'b'] } }),
});
const logger = createLogger({ service: 'bench', level: 'warn', pretty: false });
const kafka = createKafka(config.connection, logger);
const catalog = topicCatalog({ prefix, dataPartitions: 4 });
const codec = new EventCodec(config.connection.registry);
const admin = kafka.admin();
await admin.connect();
await ensureTopics(admin, catalog);

const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
await producer.connect();
const t0 = Date.now();
for (let i = 0; i < n; i += 2_000) {
  const messages = await Promise.all(
    Array.from({ length: Math.min(2_000, n - i) }, async (_, k) => {
      const r: RoutedRequest = {
        segment: null,
        requestId: `r-${i + k}`,
        model: 'm',
        routingKey: null,
        features: '{"trueLabel":"a"}',
        timestamp: t0,
        rolloutId: null,
        variant: 'sim',
        role: 'STABLE',
        served: true,
        routedAt: t0,
        dispatch: 'WORKER',
      };
      return { key: r.requestId, value: await codec.encode(catalog.routed, r) };
    }),
  );
  await producer.send({ topic: catalog.routed.name, messages, acks: -1 });
}
await producer.disconnect();

// Timed from the first committed batch, so group join and connection set-up are left out.
const worker = await startModelWorker(config, logger);
while (worker.runner.stats.batches === 0) await new Promise((r) => setTimeout(r, 5));
const start = performance.now();
const first = worker.runner.stats.produced;
while (worker.runner.stats.produced < n) await new Promise((r) => setTimeout(r, 5));
const seconds = (performance.now() - start) / 1_000;
await worker.stop();
const deleted = admin.deleteTopics({ topics: Object.values(catalog).map((t) => t.name) });
await deleted.catch(() => undefined);
await admin.disconnect();
process.stdout.write(
  `${n - first} predictions in ${seconds.toFixed(2)} s: ${((n - first) / seconds).toFixed(0)} predictions/s (one worker, zero-latency sim, concurrency ${config.concurrency})\n`,
);
