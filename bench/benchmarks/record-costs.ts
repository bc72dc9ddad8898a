import { performance } from 'node:perf_hooks';
import type { EventCodec, TopicCatalog } from '@kanary/contracts';
import { JoinProcessor, type JoinInput } from '@kanary/evaluator';
import { RolloutBook, routeRequest } from '@kanary/router';
import { kafkajsRecordCosts } from '../lib/kafkajs-record-costs.js';
import { metric } from '../lib/metric.js';
import {
  evaluation,
  inferenceRequest,
  label,
  MODEL,
  prediction,
  requestId,
  STABLE_VARIANT,
} from '../lib/records.js';
import type { Benchmark, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack } from '../lib/stack.js';

const N = 20_000;

/** µs per call of `step` over N calls, after N warm-up calls (JIT), in one process. */
async function perCall(step: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < N; i++) await step(i);
  const started = performance.now();
  for (let i = 0; i < N; i++) await step(i);
  return ((performance.now() - started) * 1_000) / N;
}

async function costs(codec: EventCodec, catalog: TopicCatalog): Promise<Record<string, number>> {
  const now = Date.now();
  const requests = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      codec.encode(catalog.requests, inferenceRequest(requestId('c', i), now)),
    ),
  );
  const decodedRequests = await Promise.all(requests.map((b) => codec.decode(catalog.requests, b)));
  const book = new RolloutBook({ [MODEL]: STABLE_VARIANT });
  const routed = decodedRequests.map((r) => routeRequest(book.table, r, now, 'WORKER'));
  const predictions = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      codec.encode(catalog.predictions, prediction(requestId('c', i), i, 'r', now)),
    ),
  );
  const labels = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      codec.encode(catalog.labels, label(requestId('c', i), now)),
    ),
  );
  const evaluations = Array.from({ length: N }, (_, i) =>
    evaluation(requestId('c', i), i, 'r', now),
  );
  const decodedPredictions = await Promise.all(
    predictions.map((b) => codec.decode(catalog.predictions, b)),
  );
  const decodedLabels = await Promise.all(labels.map((b) => codec.decode(catalog.labels, b)));
  const join = async (): Promise<number> => {
    // A prediction and its label per pair of calls, as the join sees them.
    const processor = new JoinProcessor({ maxPending: 4 * N });
    processor.init({ now });
    const inputs: JoinInput[] = decodedPredictions.flatMap((p, i) => [
      { kind: 'prediction', value: p },
      { kind: 'label', value: decodedLabels[i]! },
    ]);
    const started = performance.now();
    for (const input of inputs) processor.process(input, now);
    return ((performance.now() - started) * 1_000) / inputs.length;
  };
  await join(); // warm-up
  const client = await kafkajsRecordCosts();
  return {
    'kafkajs-encode': client.encode,
    'kafkajs-decode': client.decode,
    'decode-request': await perCall((i) => codec.decode(catalog.requests, requests[i]!)),
    route: await perCall((i) => routeRequest(book.table, decodedRequests[i]!, now, 'WORKER')),
    'encode-routed': await perCall((i) => {
      const r = routed[i]!;
      return r.kind === 'routed' ? codec.encode(catalog.routed, r.records[0]!) : undefined;
    }),
    'decode-prediction': await perCall((i) => codec.decode(catalog.predictions, predictions[i]!)),
    'decode-label': await perCall((i) => codec.decode(catalog.labels, labels[i]!)),
    join: await join(),
    'encode-evaluation': await perCall((i) => codec.encode(catalog.evaluations, evaluations[i]!)),
  };
}

const LABELS: Record<string, string> = {
  'kafkajs-encode': 'kafkajs: encode a record into a record batch (7,000 per batch)',
  'kafkajs-decode': 'kafkajs: decode a record of a fetched batch, offset filter included',
  'decode-request': 'decode + validate an InferenceRequest',
  route: 'route it (routeRequest)',
  'encode-routed': 'validate + encode a RoutedRequest',
  'decode-prediction': 'decode + validate a Prediction',
  'decode-label': 'decode + validate a GroundTruthLabel',
  join: 'join one input (JoinProcessor.process)',
  'encode-evaluation': 'validate + encode an Evaluation',
};

/**
 * What one record costs in the steps a stage adds to a passthrough, without Kafka: decoding and
 * validating (Avro through the registry codec), the stage's own logic, encoding. Explains the
 * gap between a service and its baseline (bench/RESULTS.md).
 */
export const recordCostsBenchmark: Benchmark<BenchStack> = {
  name: 'record-costs',
  title: 'Per-record CPU of the steps a stage adds (no Kafka)',
  async run(stack, context): Promise<BenchmarkResult> {
    const topics = await stack.topics('costs');
    try {
      const runs: Array<Record<string, number>> = [];
      for (let rep = 1; rep <= context.repetitions; rep++) {
        runs.push(await costs(stack.codec, topics.catalog));
        context.log(
          `  run ${rep}: ${Object.entries(runs.at(-1)!)
            .map(([k, v]) => `${k} ${v.toFixed(2)} µs`)
            .join(', ')}`,
        );
      }
      const metrics: Metric[] = Object.keys(LABELS).map((step) =>
        metric(
          `costs.${step}`,
          LABELS[step]!,
          'µs',
          runs.map((r) => r[step]!),
        ),
      );
      return {
        name: 'record-costs',
        title: this.title,
        setup: `${N} records per step after ${N} warm-up calls, each call awaited as the processor runner does; the join alternates a prediction and its label; kafkajs' steps: the fastest of 20 rounds over one batch of 7,000 records (36-byte keys, 110-byte values).`,
        metrics,
        notes: [],
      };
    } finally {
      await topics.dispose();
    }
  },
};
