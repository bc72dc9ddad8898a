/**
 * Join throughput of the evaluator. Not a test: run it by hand.
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 SCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7 \
 *     node --conditions=source --import tsx services/evaluator/bench/throughput.ts [requests=100000] [runs=3]
 *
 * 1. Core: input records per second through `JoinProcessor.process` alone (no Kafka).
 * 2. End to end (only with KAFKA_BROKERS and SCHEMA_REGISTRY_URL set), once per run on fresh
 *    topics (4 partitions): `requests` predictions and their labels (half of the labels produced
 *    before their prediction) are written first; then one evaluator with the default settings
 *    starts and joins them. Events are predictions + labels (2 × requests). Reported: events per
 *    second from the first committed transaction to the last input offset committed (steady
 *    state), and from `ready` (group join and changelog set-up included). Every run checks that
 *    it produced one evaluation per request.
 *
 * Memory per pending prediction: bench/memory.ts.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventCodec, topicCatalog, type Prediction } from '@kanary/contracts';
import { createKafka, ensureTopics } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { JoinProcessor, loadConfig, startEvaluator, type JoinInput } from '../src/index.js';
import { median } from './median.js';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;
const requests = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);
const PARTITIONS = 4;
const now = Date.now();

function prediction(i: number): Prediction {
  return {
    scores: null,
    segment: null,
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
    const l = {
      requestId: p.requestId,
      model: p.model,
      label: 'ok',
      timestamp: now + i,
      outcomes: null,
    };
    // Half the labels come first.
    if (i % 2 === 0) out.push({ kind: 'prediction', value: p }, { kind: 'label', value: l });
    else out.push({ kind: 'label', value: l }, { kind: 'prediction', value: p });
  }
  return out;
}

function coreThroughput(): number {
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
  if (evaluations !== requests)
    throw new Error(`core: ${evaluations} evaluations, expected ${requests}`);
  return records.length / seconds;
}

async function produceInputs(
  kafka: Kafka,
  codec: EventCodec,
  catalog: ReturnType<typeof topicCatalog>,
) {
  const producer = kafka.producer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const records = inputs(requests);
  for (let start = 0; start < records.length; start += 10_000) {
    const predictions = [];
    const labels = [];
    for (const r of records.slice(start, start + 10_000)) {
      if (r.kind === 'prediction') {
        predictions.push({
          key: r.value.requestId,
          value: await codec.encode(catalog.predictions, r.value),
        });
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
}

async function committedTotal(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId, topics });
  return offsets
    .flatMap((t) => t.partitions)
    .reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
}

interface EndToEnd {
  readonly events: number;
  readonly steadyPerSecond: number;
  readonly fromReadyPerSecond: number;
  readonly transactions: number;
}

async function endToEnd(run: number): Promise<EndToEnd> {
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    ...process.env,
    KANARY_TOPIC_PREFIX: prefix,
    KANARY_DATA_PARTITIONS: String(PARTITIONS),
    KANARY_INSTANCE_ID: `bench-${run}`,
    OPS_PORT: '0',
    LOG_LEVEL: 'error',
  });
  const logger = createLogger({ service: 'bench', level: 'error', pretty: false });
  const kafka = createKafka(config.connection, logger);
  const catalog = topicCatalog({ prefix, dataPartitions: PARTITIONS });
  const codec = new EventCodec(config.connection.registry);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, catalog);
    await produceInputs(kafka, codec, catalog);
    const inputTopics = [catalog.predictions.name, catalog.labels.name];
    let end = 0;
    for (const t of inputTopics) {
      for (const p of await admin.fetchTopicOffsets(t)) end += Number(p.offset);
    }
    const evaluator = await startEvaluator(config, { logger, kafka, codec });
    await evaluator.ready;
    const ready = performance.now();
    let first: { at: number; done: number } | undefined;
    let done = 0;
    // Polling is fine here: this is a measurement, and 50 ms is small next to the run.
    while (done < end) {
      await sleep(50);
      done = await committedTotal(admin, config.groupId, inputTopics);
      if (first === undefined && done > 0) first = { at: performance.now(), done };
    }
    const finished = performance.now();
    const counter = evaluator.registry.getSingleMetric('kanary_evaluations_total');
    const evaluations = (await counter!.get()).values.reduce((s, v) => s + v.value, 0);
    const transactions = evaluator.runner.stats.batches;
    await evaluator.stop();
    if (evaluations !== requests) {
      throw new Error(`run ${run}: ${evaluations} evaluations, expected ${requests}`);
    }
    const steadySeconds = (finished - first!.at) / 1000;
    return {
      events: end,
      steadyPerSecond: (end - first!.done) / steadySeconds,
      fromReadyPerSecond: end / ((finished - ready) / 1000),
      transactions,
    };
  } finally {
    await admin
      .deleteTopics({ topics: Object.values(catalog).map((t) => t.name) })
      .catch(() => undefined);
    await admin.disconnect();
  }
}

const core: number[] = [];
for (let run = 1; run <= runs; run++) {
  core.push(coreThroughput());
  console.log(
    `core, run ${run}: ${Math.round(core.at(-1)!)} input records/s (${2 * requests} records)`,
  );
}
console.log(`core, median of ${runs}: ${Math.round(median(core))} input records/s`);

if (!process.env.KAFKA_BROKERS || !process.env.SCHEMA_REGISTRY_URL) {
  console.log('end to end: set KAFKA_BROKERS and SCHEMA_REGISTRY_URL to measure on a broker');
} else {
  const results: EndToEnd[] = [];
  for (let run = 1; run <= runs; run++) {
    const r = await endToEnd(run);
    results.push(r);
    console.log(
      `end to end, run ${run}: ${r.events} events, ${Math.round(r.steadyPerSecond)} events/s steady ` +
        `(${Math.round(r.fromReadyPerSecond)} events/s from ready), ${r.transactions} transactions`,
    );
  }
  console.log(
    `end to end, median of ${runs}: ${Math.round(median(results.map((r) => r.steadyPerSecond)))} events/s steady, ` +
      `${Math.round(median(results.map((r) => r.fromReadyPerSecond)))} events/s from ready`,
  );
}
