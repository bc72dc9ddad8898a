import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_KAFKA_VERSION } from '@kanary/infra';
import {
  compareLatency,
  LATENCY_FIELDS,
  latencyMetric,
  passthroughLatencySubject,
  type LatencySubject,
} from '../lib/compare-latency.js';
import type { Contender } from '../lib/compare-throughput.js';
import { resolveMavenClasspath, type JavaClasspath } from '../lib/maven-classpath.js';
import { against, cpuShare, metric, withTarget } from '../lib/metric.js';
import { oncePerKey } from '../lib/once.js';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';
import { startStreamsAnchor, type StreamsTopology } from '../lib/streams-anchor.js';
import { evaluatorLatencySubject, joinThroughput, mergeRuns } from './evaluator.js';
import { compareOnRequestBacklog, ROUTER_FETCH_BYTES, routerLatencySubject } from './router.js';
import { kafkaModeLatencySubject } from './worker.js';

/** Streams' exactly-once default commit.interval.ms, and the interval Kanary's services commit at. */
const COMMIT_INTERVALS_MS = [100, 20] as const;

/**
 * Kafka's default max.partition.fetch.bytes, which Streams' consumer keeps: the passthroughs of
 * the backlog comparison fetch as much.
 */
const BACKLOG_FETCH_BYTES = 1_048_576;

/**
 * The join's window: how long an unmatched prediction or label waits for its other side in the
 * evaluator by default (EVALUATOR_TTL_MS, 7 days); every pair of the backlog falls inside it.
 */
const JOIN_WINDOW_MS = 7 * 24 * 3_600_000;

/**
 * A Streams anchor (passthrough or join) on some of `topics`' inputs, as a latency subject and as
 * a backlog contender.
 */
class StreamsAnchor {
  private readonly logDir = oncePerKey(async (prefix: string) => {
    const dir = fileURLToPath(new URL(`../out/${prefix}`, import.meta.url));
    await mkdir(dir, { recursive: true });
    return dir;
  });

  constructor(
    private readonly stack: BenchStack,
    private readonly program: JavaClasspath,
    readonly commitIntervalMs: number,
    private readonly inputs: (topics: BenchTopics) => string[] = (t) => [t.catalog.requests.name],
    private readonly topology: StreamsTopology = { kind: 'passthrough' },
  ) {}

  get key(): string {
    const kind = this.topology.kind === 'join' ? 'join-' : '';
    return `streams-${kind}${this.commitIntervalMs}ms`;
  }

  get label(): string {
    const what = this.topology.kind === 'join' ? 'stream-stream join' : 'passthrough';
    return `Kafka Streams ${what} (exactly_once_v2, commit.interval.ms ${this.commitIntervalMs})`;
  }

  /** Runs as `<prefix>.<run>` (its group and transactional ids), logging to bench/out/<prefix>/. */
  async start(topics: BenchTopics, output: string, run: string) {
    const applicationId = `${topics.prefix}.${run}`;
    return startStreamsAnchor(
      {
        program: this.program,
        brokers: this.stack.brokers,
        applicationId,
        inputs: this.inputs(topics),
        output,
        topology: this.topology,
        commitIntervalMs: this.commitIntervalMs,
        logFile: join(await this.logDir(topics.prefix), `${applicationId}.log`),
        startTimeoutMs: 120_000,
      },
      this.stack.admin,
    );
  }

  latencySubject(): LatencySubject {
    return {
      key: this.key,
      label: this.label,
      start: async (topics, run) => {
        const output = await topics.extra(this.key);
        const streams = await this.start(topics, output, `${this.key}.${run}`);
        return { output, stop: () => streams.stop() };
      },
    };
  }

  /**
   * Every run (`run` names the contender) writes to the same output topic of `topics`. With
   * `expectedOutputs`, a run that leaves fewer offsets on the output (its records and
   * transaction markers) fails: a join that joined nothing would otherwise just look fast.
   */
  contender(topics: BenchTopics, expectedOutputs?: number): Contender {
    let output: Promise<string> | undefined;
    return {
      key: this.key,
      label: this.label,
      start: async (run) => {
        output ??= topics.extra(this.key);
        const streams = await this.start(topics, await output, run);
        return {
          done: () => streams.committed(),
          cpuMicros: () => streams.cpuMicros(),
          stop: async () => {
            await streams.stop();
            if (expectedOutputs === undefined) return;
            const offsets = await this.stack.admin.fetchTopicOffsets(await output!);
            const written = offsets.reduce((sum, p) => sum + Number(p.high), 0);
            if (written < expectedOutputs) {
              throw new Error(
                `${this.label}: ${written} offsets on its output, fewer than ${expectedOutputs} records expected`,
              );
            }
          },
        };
      },
    };
  }
}

/** Request → visible latency of the kafkajs and Streams passthroughs at the same paced rate. */
async function anchorLatency(
  stack: BenchStack,
  context: BenchContext,
  anchors: readonly StreamsAnchor[],
  rate: number,
): Promise<Metric[]> {
  // The router benchmark's baseline, measured the same way here so the two tables line up.
  const passthrough = passthroughLatencySubject(stack.kafka, ROUTER_FETCH_BYTES);
  const stages = [
    routerLatencySubject(stack),
    evaluatorLatencySubject(stack),
    kafkaModeLatencySubject(stack),
  ];
  const subjects = [passthrough, ...anchors.map((a) => a.latencySubject()), ...stages];
  const runs = await compareLatency(stack, context, {
    topicsLabel: 'anchor-latency',
    rate,
    subjects,
  });
  // Streams gives an output record its input's timestamp, so request → output timestamp says
  // nothing about it: only the time until a read_committed consumer sees the output is compared.
  const visible = LATENCY_FIELDS.filter(([field]) => field.startsWith('visible'));
  const metrics = visible.flatMap(([field]) =>
    subjects.map((s) => {
      const m = latencyMetric(
        'anchor.latency',
        s,
        field,
        runs.get(s.key)!,
        ` at ${rate} requests/s`,
      );
      const judged = field === 'visibleP50' && JUDGED.includes(s.key);
      return judged ? withTarget(m, 'at-most', 60, '≤ 60 ms') : m;
    }),
  );
  // The stages' p99 against Streams' at its default commit interval, run by run (the load of
  // the moment hits both alike).
  const streams = runs.get(anchors.find((a) => a.commitIntervalMs === 100)!.key)!;
  for (const stage of stages.filter((s) => JUDGED.includes(s.key))) {
    const ratios = runs.get(stage.key)!.map((l, i) => l.visibleP99 / streams[i]!.visibleP99);
    metrics.push(
      withTarget(
        metric(
          `anchor.latency.${stage.key}.p99-vs-streams`,
          `${stage.label} visible p99 / Kafka Streams (commit.interval.ms 100) visible p99, per run`,
          '×',
          ratios,
        ),
        'at-most',
        1.2,
        '≤ 1.2',
      ),
    );
  }
  return metrics;
}

/** The stages whose latency has targets: p50 ≤ 60 ms, p99 ≤ 1.2 × Streams' (100 ms). */
const JUDGED: readonly string[] = ['router', 'evaluator'];

/** Records/s over a backlog of `n` requests: both kafkajs passthroughs and the Streams anchors. */
async function anchorThroughput(
  stack: BenchStack,
  context: BenchContext,
  anchors: readonly StreamsAnchor[],
  n: number,
): Promise<Metric[]> {
  const { rates, baselines } = await compareOnRequestBacklog(stack, context, {
    topicsLabel: 'anchor',
    n,
    fetchBytes: BACKLOG_FETCH_BYTES,
    keyPrefix: 'anchor.throughput',
    subjects: (topics) => anchors.map((a) => a.contender(topics)),
  });
  const eos = rates.get('passthrough-eos')!;
  const streams = anchors.map((a) => rates.get(a.key)!);
  return [
    ...baselines,
    ...streams.flatMap((s) => [against(s.rate, eos.rate), s.cpu]),
    {
      ...against(eos.rate, streams[0]!.rate),
      key: `anchor.throughput.passthrough-eos-vs-${anchors[0]!.key}`,
      label: `kafkajs exactly-once passthrough vs ${anchors[0]!.label}`,
    },
  ];
}

/**
 * The evaluator's join beside Kafka Streams' own, each against its own library's exactly-once
 * passthrough over the same backlog (`n` predictions and their labels, the evaluator benchmark's):
 * how much of a client's passthrough a join with a changelog keeps, per client.
 */
async function anchorJoin(
  stack: BenchStack,
  context: BenchContext,
  program: JavaClasspath,
  n: number,
): Promise<Metric[]> {
  const inputs = (t: BenchTopics) => [t.catalog.predictions.name, t.catalog.labels.name];
  const passthrough = new StreamsAnchor(stack, program, 100, inputs);
  const joined = new StreamsAnchor(stack, program, 100, inputs, {
    kind: 'join',
    windowMs: JOIN_WINDOW_MS,
  });
  const { collected } = await joinThroughput(stack, context, n, {
    keyPrefix: 'anchor.join',
    // The join writes one record per pair; the passthrough one per input.
    others: (topics) => [passthrough.contender(topics, 2 * n), joined.contender(topics, n)],
  });
  const rate = (key: string) => mergeRuns(collected, key, 'events/s');
  const cpu = (key: string) => mergeRuns(collected, `${key}.cpu`, 'µs');
  const streamsPassthrough = passthrough.key;
  const streamsJoin = joined.key;
  const eos = rate('passthrough-eos');
  const streams = rate(streamsPassthrough);
  return [
    eos,
    cpu('passthrough-eos'),
    against(rate('evaluator'), eos),
    cpu('evaluator'),
    streams,
    cpu(streamsPassthrough),
    against(rate(streamsJoin), streams),
    cpu(streamsJoin),
    cpuShare(
      'anchor.join.evaluator.cpu-share',
      'evaluator events per CPU-second, % of the kafkajs exactly-once passthrough',
      cpu('evaluator'),
      cpu('passthrough-eos'),
    ),
    cpuShare(
      `anchor.join.${streamsJoin}.cpu-share`,
      'Kafka Streams join events per CPU-second, % of the Streams passthrough',
      cpu(streamsJoin),
      cpu(streamsPassthrough),
    ),
  ];
}

/**
 * The anchor: what Kafka's own exactly-once library does with the records the router reads, on
 * the same broker in the same run. A Kafka Streams passthrough (bench/kafka-streams-anchor,
 * exactly_once_v2) at Streams' default commit interval and at Kanary's, against the kafkajs
 * exactly-once passthrough every stage is judged by: request → visible latency at a paced rate,
 * and records/s over a backlog.
 */
export const anchorBenchmark: Benchmark<BenchStack> = {
  name: 'anchor',
  title: 'Anchor: Kafka Streams exactly_once_v2 passthrough beside the kafkajs one',
  async run(stack, context): Promise<BenchmarkResult> {
    const n = context.quick ? 5_000 : 200_000;
    const rate = context.quick ? 200 : 1_000;
    const kafkaVersion = process.env.KANARY_BENCH_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
    const program = await resolveMavenClasspath('kafka-streams-anchor', kafkaVersion, context.log);
    const anchors = COMMIT_INTERVALS_MS.map((ms) => new StreamsAnchor(stack, program, ms));
    context.log(`anchor: latency at ${rate} requests/s`);
    const latency = await anchorLatency(stack, context, anchors, rate);
    context.log(`anchor: backlog of ${n} requests`);
    const throughput = await anchorThroughput(stack, context, anchors, n);
    const pairs = context.quick ? 4_000 : 120_000;
    context.log(`anchor: join of ${pairs} predictions and ${pairs} labels`);
    const joins = await anchorJoin(stack, context, program, pairs);
    return {
      name: 'anchor',
      title: this.title,
      setup:
        `Kafka Streams ${kafkaVersion} (JVM, -Xmx512m, one stream thread, Streams' defaults otherwise) copying key and value bytes from the requests topic to an output topic, ` +
        `processing.guarantee=exactly_once_v2, commit.interval.ms ${COMMIT_INTERVALS_MS.join(' and ')}. ` +
        `Latency: encoded InferenceRequests at ${rate} requests/s paced in 10 ms ticks, 3 s warm-up discarded, fresh topics per run (4 partitions), ` +
        `the same measurement as the router's; the kafkajs passthrough fetches ${ROUTER_FETCH_BYTES} B per partition as there. ` +
        `Backlog: ${n} InferenceRequests, 4 partitions, the kafkajs passthroughs fetch ${BACKLOG_FETCH_BYTES} B per partition (Streams' default); ` +
        'a Streams run counts the input offsets its group has committed (in the transaction with its output), from the first commit to the last. ' +
        `Join: the evaluator benchmark's backlog (predictions and their labels, fresh topics per repetition), read by the kafkajs exactly-once passthrough, the evaluator, ` +
        `the Streams passthrough and a Streams KStream-KStream inner join of the same two topics on the request id (window ${JOIN_WINDOW_MS / 86_400_000} days, RocksDB window stores with changelogs, ` +
        "the output the two values' bytes concatenated, no decoding), all at commit.interval.ms 100 for Streams.",
      metrics: [...latency, ...throughput, ...joins],
      notes: [
        "The Streams passthrough's CPU per record is its JVM's (user + system time from /proc), the kafkajs passthroughs' the bench process's; the broker's is in neither.",
        "Request → output record timestamp is not compared: Streams writes each output record with its input record's timestamp.",
      ],
    };
  },
};
