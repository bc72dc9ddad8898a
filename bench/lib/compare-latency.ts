import type { Kafka, Message } from 'kafkajs';
import { metric } from './metric.js';
import { pacedLatency, type Latency } from './paced-latency.js';
import { PassthroughMode, startPassthrough } from './passthrough.js';
import { inferenceRequest, requestId } from './records.js';
import type { BenchContext, Metric } from './results.js';
import type { BenchStack, BenchTopics } from './stack.js';

/**
 * What a subject reads, when not encoded InferenceRequests on the requests topic: e.g. labels,
 * whose predictions are written before the run.
 */
export interface LatencyInput {
  topic(topics: BenchTopics): string;
  /** Written before the subject starts, for every request id the run may send. */
  prepare(topics: BenchTopics, ids: readonly string[]): Promise<void>;
  /** The paced record for request `id`, keyed by it, stamped `now`. */
  record(topics: BenchTopics, id: string, now: number): Promise<Message>;
}

/** Something whose latency is measured: a baseline or a subject. */
export interface LatencySubject {
  /** Part of the metric keys (`<prefix>.<key>.visibleP99`). */
  readonly key: string;
  readonly label: string;
  /** @default encoded InferenceRequests on the requests topic */
  readonly input?: LatencyInput;
  /** Starts reading `topics`' requests in groups of its own (named by `run`); returns where it writes. */
  start(
    topics: BenchTopics,
    run: string,
  ): Promise<{ readonly output: string; stop(): Promise<void> }>;
}

export type LatencyField = Exclude<keyof Latency, 'samples'>;

/** The four figures of a {@link Latency}, in the order the tables show them. */
export const LATENCY_FIELDS: ReadonlyArray<readonly [LatencyField, string]> = [
  ['recordP50', 'p50, request → output record timestamp'],
  ['recordP99', 'p99, request → output record timestamp'],
  ['visibleP50', 'p50, request → visible to read_committed'],
  ['visibleP99', 'p99, request → visible to read_committed'],
];

/**
 * {@link pacedLatency} of every subject at `rate` requests/s, `context.repetitions` times,
 * interleaved (baseline, subject, … per repetition) so the machine's load of the moment hits all
 * alike. Each run has fresh topics (the subject starts on an empty input) and encoded
 * InferenceRequests as input; the first 3 s of each run are discarded. Returns each subject's
 * runs, by key.
 */
export async function compareLatency(
  stack: BenchStack,
  context: BenchContext,
  options: {
    readonly topicsLabel: string;
    readonly rate: number;
    readonly subjects: readonly LatencySubject[];
  },
): Promise<Map<string, Latency[]>> {
  const { rate } = options;
  const measureMs = context.quick ? 3_000 : 10_000;
  const warmupMs = 3_000;
  const runs = new Map<string, Latency[]>(options.subjects.map((s) => [s.key, []]));
  const requests: LatencyInput = {
    topic: (topics) => topics.catalog.requests.name,
    prepare: () => Promise.resolve(),
    record: async (topics, id, now) => ({
      key: id,
      value: await stack.codec.encode(topics.catalog.requests, inferenceRequest(id, now)),
    }),
  };
  for (let rep = 1; rep <= context.repetitions; rep++) {
    // Every id a run can send: the paced sending lasts warm-up + measurement (a second spare).
    const ids = Array.from(
      { length: Math.ceil((rate * (warmupMs + measureMs)) / 1_000) + rate },
      (_, i) => requestId(`lat${rep}`, i),
    );
    for (const subject of options.subjects) {
      const input = subject.input ?? requests;
      const topics = await stack.topics(options.topicsLabel);
      try {
        await input.prepare(topics, ids);
        const running = await subject.start(topics, `lat-${rep}`);
        try {
          const latency = await pacedLatency({
            kafka: stack.kafka,
            input: input.topic(topics),
            output: running.output,
            groupId: `${topics.prefix}.collector`,
            rate,
            warmupMs,
            measureMs,
            record: (i, now) => input.record(topics, ids[i]!, now),
          });
          runs.get(subject.key)!.push(latency);
          context.log(
            `  ${subject.label} latency, run ${rep} at ${rate}/s: record p50 ${latency.recordP50} ms, p99 ${latency.recordP99} ms; ` +
              `visible p50 ${latency.visibleP50} ms, p99 ${latency.visibleP99} ms (${latency.samples} samples)`,
          );
        } finally {
          await running.stop();
        }
      } finally {
        await topics.dispose();
      }
    }
  }
  return runs;
}

/** One figure of a subject's runs as a metric, `<keyPrefix>.<subject>.<field>`. */
export function latencyMetric(
  keyPrefix: string,
  subject: LatencySubject,
  field: LatencyField,
  runs: readonly Latency[],
  labelSuffix = '',
): Metric {
  const what = LATENCY_FIELDS.find(([f]) => f === field)![1];
  return metric(
    `${keyPrefix}.${subject.key}.${field}`,
    `${subject.label} latency ${what}${labelSuffix}`,
    'ms',
    runs.map((l) => l[field]),
  );
}

/**
 * The exactly-once kafkajs passthrough (`lib/passthrough.ts`) as a latency subject, fetching
 * `maxBytesPerPartition` like the subject it is the baseline of.
 */
export function passthroughLatencySubject(
  kafka: Kafka,
  maxBytesPerPartition: number,
): LatencySubject {
  return {
    key: 'passthrough-eos',
    label: 'exactly-once passthrough',
    async start(topics) {
      const output = await topics.extra('passthrough');
      const passthrough = await startPassthrough({
        kafka,
        inputs: [topics.catalog.requests.name],
        output,
        mode: PassthroughMode.EXACTLY_ONCE,
        groupId: `${topics.prefix}.pt`,
        maxBytesPerPartition,
      });
      return { output, stop: () => passthrough.stop() };
    },
  };
}
