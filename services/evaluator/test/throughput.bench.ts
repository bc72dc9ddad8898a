/**
 * Join throughput and memory of the evaluator. Not a test: run it by hand.
 *
 *   node --expose-gc --conditions=source --import tsx services/evaluator/test/throughput.bench.ts [requests]
 *
 * 1. Core: records per second through `JoinProcessor.process` alone (no Kafka).
 * 2. Memory: heap bytes per pending prediction (heap after minus before, with forced GC) next to
 *    the store's own accounting (`approximateBytes`).
 * 3. End to end (only with KAFKA_BROKERS and SCHEMA_REGISTRY_URL set): records per second from
 *    the evaluator being ready to every input committed (decode, join, encode, transactions).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EventCodec, topicCatalog, type Prediction } from '@kanary/contracts';
import { createKafka, ensureTopics } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import kafkajs from 'kafkajs';
import { JoinProcessor, loadConfig, startEvaluator, type JoinInput } from '../src/index.js';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;
const requests = Number(process.argv[2] ?? 100_000);
const now = Date.now();

function prediction(i: number): Prediction {
  return {
    requestId: randomUUID(),
    model: 'fraud-detector',
    rolloutId: 'ro-2026-11-27',
    variant: i % 2 === 0 ? 'fraud-detector-v1' : 'fraud-detector-v2',
    role: i % 2 === 0 ? 'STABLE' : 'CANARY',
    served: true,
    output: i % 3 === 0 ? 'fraud' : 'ok',
    score: 0.5,
    latencyMs: 3 + (i % 40),
    status: 'OK',
    error: null,
    timestamp: now + i,
  };
}

function inputs(n: number): JoinInput[] {
  const out: JoinInput[] = [];
  for (let i = 0; i < n; i++) {
    const p = prediction(i);
    const l = { requestId: p.requestId, model: p.model, label: 'ok', timestamp: now + i };
    // Half the labels arrive first.
    if (i % 2 === 0) out.push({ kind: 'prediction', value: p }, { kind: 'label', value: l });
    else out.push({ kind: 'label', value: l }, { kind: 'prediction', value: p });
  }
  return out;
}

function coreThroughput(): void {
  const records = inputs(requests);
  const processor = new JoinProcessor({ maxPending: requests * 2 });
  processor.init({ now });
  const started = performance.now();
  let evaluations = 0;
  for (const [i, r] of records.entries()) {
    evaluations += processor.process(r, now + i).evaluations.length;
  }
  processor.flush();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `core: ${records.length} records, ${evaluations} evaluations in ${seconds.toFixed(2)} s = ` +
      `${Math.round(records.length / seconds)} records/s`,
  );
}

function memoryPerPending(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('memory: run with --expose-gc to measure heap bytes');
    return;
  }
  const predictions = Array.from({ length: requests }, (_, i) => prediction(i));
  const processor = new JoinProcessor({ maxPending: requests * 2 });
  processor.init({ now });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const [i, p] of predictions.entries()) processor.process({ kind: 'prediction', value: p }, now + i);
  processor.flush();
  gc();
  const after = process.memoryUsage().heapUsed;
  const stats = processor.stats();
  console.log(
    `memory: ${stats.pendingPredictions} pending predictions, heap +${Math.round((after - before) / stats.pendingPredictions)} B each ` +
      `(store accounting ${Math.round(stats.approximateBytes / stats.pendingPredictions)} B each)`,
  );
}

async function endToEnd(): Promise<void> {
  if (!process.env.KAFKA_BROKERS || !process.env.SCHEMA_REGISTRY_URL) {
    console.log('end to end: set KAFKA_BROKERS and SCHEMA_REGISTRY_URL to measure on a broker');
    return;
  }
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    ...process.env,
    KANARY_TOPIC_PREFIX: prefix,
    KANARY_DATA_PARTITIONS: '4',
    KANARY_INSTANCE_ID: 'bench',
    OPS_PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const logger = createLogger({ service: 'bench', level: 'warn', pretty: false });
  const kafka = createKafka(config.connection, logger);
  const catalog = topicCatalog({ prefix, dataPartitions: 4 });
  const codec = new EventCodec(config.connection.registry);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, catalog);
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const records = inputs(requests);
  for (let start = 0; start < records.length; start += 10_000) {
    const chunk = records.slice(start, start + 10_000);
    const predictions = [];
    const labels = [];
    for (const r of chunk) {
      if (r.kind === 'prediction') {
        predictions.push({ key: r.value.requestId, value: await codec.encode(catalog.predictions, r.value) });
      } else {
        labels.push({ key: r.value.requestId, value: await codec.encode(catalog.labels, r.value) });
      }
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [
        { topic: catalog.predictions.name, messages: predictions },
        { topic: catalog.labels.name, messages: labels },
      ],
    });
  }
  await producer.disconnect();
  const evaluator = await startEvaluator(config, { logger, kafka, codec });
  await evaluator.ready;
  const started = performance.now();
  const ends = async () => {
    let total = 0;
    for (const t of [catalog.predictions.name, catalog.labels.name]) {
      for (const p of await admin.fetchTopicOffsets(t)) total += Number(p.offset);
    }
    return total;
  };
  const end = await ends();
  for (;;) {
    const offsets = await admin.fetchOffsets({
      groupId: config.groupId,
      topics: [catalog.predictions.name, catalog.labels.name],
    });
    const done = offsets.flatMap((t) => t.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
    if (done === end) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `end to end: ${end} records in ${seconds.toFixed(2)} s = ${Math.round(end / seconds)} records/s ` +
      `(${evaluator.runner.stats.batches} transactions; group join included)`,
  );
  await evaluator.stop();
  await admin.deleteTopics({ topics: Object.values(catalog).map((t) => t.name) }).catch(() => undefined);
  await admin.disconnect();
}

coreThroughput();
memoryPerPending();
await endToEnd();
