import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig, startEvaluator } from '@kanary/evaluator';
import { fillEvents } from '../lib/backlog.js';
import {
  compareThroughput,
  passthroughContenders,
  type Contender,
} from '../lib/compare-throughput.js';
import { against, cpuShare, metric, withTarget } from '../lib/metric.js';
import { MODEL, label, prediction, requestId, startedRollout } from '../lib/records.js';
import type { LatencySubject } from '../lib/compare-latency.js';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from '../lib/results.js';
import type { BenchStack, BenchTopics } from '../lib/stack.js';

/** The evaluator's default EVALUATOR_MAX_BYTES_PER_PARTITION: the passthrough fetches the same. */
const EVALUATOR_FETCH_BYTES = 1_048_576;
const ROLLOUT_ID = 'bench-rollout-0000-0000-000000000001';

/**
 * `n` predictions and their labels: labels of even requests first, then every prediction, then
 * the other labels; and the state of their rollout, so the evaluator folds them into evidence as
 * it does in a pipeline.
 */
export async function fillJoinBacklog(
  stack: BenchStack,
  topics: BenchTopics,
  n: number,
): Promise<void> {
  const now = Date.now();
  const { predictions, labels, state } = topics.catalog;
  await fillEvents(stack, state, 1, () => [MODEL, startedRollout(ROLLOUT_ID, now - 60_000)]);
  const labelOf = (i: number) => {
    const id = requestId('backlog', i);
    return [id, label(id, now)] as const;
  };
  await fillEvents(stack, labels, n / 2, (k) => labelOf(2 * k));
  await fillEvents(stack, predictions, n, (i) => {
    const id = requestId('backlog', i);
    return [id, prediction(id, i, ROLLOUT_ID, now)];
  });
  await fillEvents(stack, labels, n / 2, (k) => labelOf(2 * k + 1));
}

/**
 * The evaluator over `topics`' predictions and labels; `onStop` gets the records it produced per
 * input record.
 */
/** An evaluator on `topics` in a group of its own (`run`), started and ready. */
async function startBenchEvaluator(stack: BenchStack, topics: BenchTopics, run: string) {
  const config = loadConfig({
    ...topics.env,
    KANARY_INSTANCE_ID: run,
    EVALUATOR_GROUP_ID: `${topics.prefix}.evaluator.${run}`,
    OPS_PORT: '0',
  });
  const evaluator = await startEvaluator(config, { logger: stack.logger });
  await evaluator.ready;
  return evaluator;
}

/**
 * The evaluator as a latency subject: a label paced in → its evaluation visible. Each label's
 * prediction (and the rollout's state) is written before the evaluator starts, so every label
 * joins at once.
 */
export function evaluatorLatencySubject(stack: BenchStack): LatencySubject {
  return {
    key: 'evaluator',
    label: 'evaluator (label → evaluation)',
    input: {
      topic: (topics) => topics.catalog.labels.name,
      async prepare(topics, ids) {
        const now = Date.now();
        const { predictions, state } = topics.catalog;
        await fillEvents(stack, state, 1, () => [MODEL, startedRollout(ROLLOUT_ID, now - 60_000)]);
        await fillEvents(stack, predictions, ids.length, (i) => [
          ids[i]!,
          prediction(ids[i]!, i, ROLLOUT_ID, now),
        ]);
      },
      record: async (topics, id, now) => ({
        key: id,
        value: await stack.codec.encode(topics.catalog.labels, label(id, now)),
      }),
    },
    async start(topics, run) {
      const evaluator = await startBenchEvaluator(stack, topics, run);
      return { output: topics.catalog.evaluations.name, stop: () => evaluator.stop() };
    },
  };
}

export function evaluatorContender(
  stack: BenchStack,
  topics: BenchTopics,
  onStop?: (outputsPerInput: number) => void,
): Contender {
  return {
    key: 'evaluator',
    label: 'evaluator join (exactly-once, changelog)',
    async start(run) {
      const evaluator = await startBenchEvaluator(stack, topics, run);
      return {
        done: () => evaluator.runner.stats.processed,
        stop: async () => {
          const { produced, processed } = evaluator.runner.stats;
          onStop?.(produced / processed);
          await evaluator.stop();
        },
      };
    },
  };
}

/**
 * Joined events per second: `n` predictions and their `n` labels (half of the labels written
 * before their prediction, as services/evaluator/bench/throughput.ts does), the passthroughs, the
 * evaluator and any `others` each reading all 2n. A fresh backlog per repetition: the evaluator
 * restores its join state from a changelog named by the topic prefix, so a second evaluator on
 * the same topics would start from the first one's state.
 */
export async function joinThroughput(
  stack: BenchStack,
  context: BenchContext,
  n: number,
  options: {
    readonly keyPrefix: string;
    readonly others?: (topics: BenchTopics) => Contender[];
  } = { keyPrefix: 'evaluator.join' },
): Promise<{ collected: Map<string, Metric[]>; outputsPerInput: number[] }> {
  const collected = new Map<string, Metric[]>();
  const outputsPerInput: number[] = [];
  for (let rep = 1; rep <= context.repetitions; rep++) {
    const topics = await stack.topics('evaluator');
    try {
      const { predictions, labels } = topics.catalog;
      await fillJoinBacklog(stack, topics, n);
      const rates = await compareThroughput({
        contenders: [
          ...passthroughContenders(
            stack.kafka,
            topics,
            [predictions.name, labels.name],
            EVALUATOR_FETCH_BYTES,
          ),
          evaluatorContender(stack, topics, (ratio) => outputsPerInput.push(ratio)),
          ...(options.others?.(topics) ?? []),
        ],
        total: 2 * n,
        repetitions: 1,
        keyPrefix: options.keyPrefix,
        timeoutMs: 600_000,
        log: (line) => context.log(line.replace('run 1', `run ${rep}`)),
      });
      for (const [key, m] of rates) {
        collected.set(key, [...(collected.get(key) ?? []), m.rate]);
        collected.set(`${key}.cpu`, [...(collected.get(`${key}.cpu`) ?? []), m.cpu]);
      }
    } finally {
      await topics.dispose();
    }
  }
  return { collected, outputsPerInput };
}

/** One metric of the repetitions `joinThroughput` collected under `key` (each a run of its own). */
export function mergeRuns(collected: Map<string, Metric[]>, key: string, unit: string): Metric {
  const parts = collected.get(key)!;
  return metric(
    parts[0]!.key,
    parts[0]!.label,
    unit,
    parts.map((p) => p.runs[0]!),
  );
}

interface MemoryMeasurement {
  readonly heapBytesPerPending: number;
  readonly rssBytesPerPending: number;
  readonly accountedBytesPerPending: number;
}

/**
 * Memory per pending prediction, measured by services/evaluator/bench/memory.ts in its child mode
 * (one fresh process per fill, GC forced before and after; it prints one JSON measurement).
 */
function measureMemory(count: number): MemoryMeasurement {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=8192',
      '--conditions=source',
      '--import',
      'tsx',
      fileURLToPath(new URL('../../services/evaluator/bench/memory.ts', import.meta.url)),
      '--child',
      String(count),
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (child.status !== 0)
    throw new Error(`memory measurement of ${count} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as MemoryMeasurement;
}

export const evaluatorBenchmark: Benchmark<BenchStack> = {
  name: 'evaluator',
  title: 'Evaluator: joined events/s and memory per pending prediction',
  async run(stack, context): Promise<BenchmarkResult> {
    // 2n input records per run: several seconds even at the passthrough's ~50,000 records/s.
    const n = context.quick ? 4_000 : 120_000;
    context.log(`evaluator: join of ${n} predictions and ${n} labels`);
    const { collected, outputsPerInput } = await joinThroughput(stack, context, n);
    const merge = (key: string, unit: string): Metric => mergeRuns(collected, key, unit);
    const plain = merge('passthrough', 'events/s');
    const eos = merge('passthrough-eos', 'events/s');
    const evaluator = merge('evaluator', 'events/s');
    const [plainCpu, eosCpu, evaluatorCpu] = ['passthrough', 'passthrough-eos', 'evaluator'].map(
      (k) => merge(`${k}.cpu`, 'µs'),
    );
    const memory: Metric[] = [];
    for (const count of context.quick ? [10_000, 100_000] : [100_000, 1_000_000]) {
      const runs: MemoryMeasurement[] = [];
      for (let rep = 1; rep <= context.repetitions; rep++) {
        runs.push(measureMemory(count));
        const m = runs.at(-1)!;
        context.log(
          `  ${count} pending, run ${rep}: RSS ${Math.round(m.rssBytesPerPending)} B, heap ${Math.round(m.heapBytesPerPending)} B, ` +
            `store estimate ${Math.round(m.accountedBytesPerPending)} B per pending prediction`,
        );
      }
      const label = count.toLocaleString('en-US');
      memory.push(
        withTarget(
          metric(
            `evaluator.memory.${count}.rss`,
            `resident memory per pending prediction at ${label} pending`,
            'B',
            runs.map((r) => r.rssBytesPerPending),
          ),
          'at-most',
          1_024,
          '≤ 1 KiB',
        ),
        metric(
          `evaluator.memory.${count}.heap`,
          `heap per pending prediction at ${label} pending`,
          'B',
          runs.map((r) => r.heapBytesPerPending),
        ),
        metric(
          `evaluator.memory.${count}.estimate`,
          `join store's own estimate (kanary_join_memory_bytes) at ${label} pending`,
          'B',
          runs.map((r) => r.accountedBytesPerPending),
        ),
      );
    }
    return {
      name: 'evaluator',
      title: this.title,
      setup:
        `Join: ${n} predictions (UUID-length ids, two arms) and ${n} labels, half of the labels written before their prediction, 4 partitions, ` +
        `fresh topics per repetition, fetch ${EVALUATOR_FETCH_BYTES} B per partition, evaluator defaults (one transaction per fetched batch with evaluations and changelog entries). ` +
        'Events are input records (predictions + labels). Memory: services/evaluator/bench/memory.ts child mode, one process per measurement, ' +
        'predictions that wait for their label, RSS and heap after a forced GC, minus before.',
      metrics: [
        plain,
        plainCpu!,
        eos,
        eosCpu!,
        withTarget(
          against(evaluator, eos),
          'ratio-at-least',
          0.7,
          '≥ 70 % of the exactly-once passthrough',
        ),
        evaluatorCpu!,
        withTarget(
          cpuShare(
            'evaluator.join.cpu-share',
            'evaluator events per CPU-second, % of the exactly-once passthrough',
            evaluatorCpu!,
            eosCpu!,
          ),
          'at-least',
          70,
          '≥ 70 % (CPU view)',
        ),
        {
          ...against(evaluator, plain),
          key: 'evaluator.join.evaluator-vs-at-least-once',
          label: 'evaluator join vs the at-least-once passthrough',
        },
        metric(
          'evaluator.join.outputs-per-input',
          'records the evaluator produces per input event (evaluations, changelog entries and tombstones, metrics; the passthrough: 1)',
          'records',
          outputsPerInput,
        ),
        ...memory,
      ],
      notes: [],
    };
  },
};
