/**
 * Decision restart: how long the decision service takes from process start to its first decision
 * when the evidence topic holds a long rollout's history (100k and 10M evaluations), with every
 * checkpoint's records and compacted; and, simulated, how many evidence records the evaluator
 * writes per second of traffic at two rates. See bench/README.md and RESULTS.md.
 */
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RolloutState } from '@kanary/contracts';
import { rolloutTerms } from '@kanary/evidence';
import { parsePolicy, startingWeight } from '@kanary/rollout';
import { fillEvents } from '../lib/backlog.js';
import { timeDecisionStart, type DecisionStart } from '../lib/decision-start.js';
import type { EvaluatorPace } from '../lib/evaluator-loop.js';
import { writeEvidenceHistory, type HistoryStats } from '../lib/evidence-history.js';
import { simulateEvidenceRate, type EvidenceRate } from '../lib/evidence-rate.js';
import { metric, withTarget } from '../lib/metric.js';
import type { TrafficShape } from '../lib/partition-traffic.js';
import { CANARY_VARIANT, MODEL, STABLE_VARIANT, startedRollout } from '../lib/records.js';
import type { BenchContext, Benchmark, BenchmarkResult, Metric } from '../lib/results.js';
import { watchRollouts, type RolloutWatch } from '../lib/rollout-watch.js';
import { PARTITIONS, type BenchStack, type BenchTopics } from '../lib/stack.js';

const MINUTE = 60_000;
const ROLLOUT_ID = 'bench-restart-rollout';
/** The default policy: label maturity 1 h (1-min buckets), first step 1 %, step timeout 24 h. */
const POLICY = parsePolicy({});
const CANARY_WEIGHT = startingWeight(POLICY) ?? 0.01;
/** Requests/s of the history: 10M evaluations take ~23 h, under the 24 h step timeout. */
const HISTORY_RATE = 120;
/** Input records of one topic-partition per checkpoint while the history is written. */
const HISTORY_BATCH = 500;
/** EVALUATOR_MAX_BYTES_PER_PARTITION (1 MiB) over ~300 B per input record. */
const FETCH_RECORDS = Math.floor(1_048_576 / 300);
const TRAFFIC: Omit<TrafficShape, 'requestsPerSecond' | 'steadyStateLabels'> = {
  rolloutId: ROLLOUT_ID,
  model: MODEL,
  stable: STABLE_VARIANT,
  canary: CANARY_VARIANT,
  partitions: PARTITIONS,
  canaryWeight: CANARY_WEIGHT,
  accuracy: 0.9,
  medianLatencyMs: 20,
  minLabelDelayMs: 5_000,
  meanLabelDelayMs: 10 * MINUTE,
};
/**
 * The live evaluator's loop, modelled: a commit costs `batchOverheadMs` (an exactly-once
 * transaction: AddPartitionsToTxn, Produce, AddOffsetsToTxn, TxnOffsetCommit, EndTxn on a local
 * broker) plus 35 µs per input record (the evaluator's CPU per event in RESULTS.md), one loop per
 * source partition, the next fetch as soon as the batches are done and data is there.
 */
const livePace = (batchOverheadMs: number): EvaluatorPace => ({
  batchOverheadMs,
  recordMs: 0.035,
  maxBatchRecords: FETCH_RECORDS,
  fetchIntervalMs: 0,
  punctuateMs: 1_000,
});
const COMMIT_MS = 20;
const SLOW_COMMIT_MS = 100;
const START_TIMEOUT_MS = 900_000;

/** The benchmark's rollout, started at `startedAt` at its first step. */
const startedState = (startedAt: number): RolloutState =>
  startedRollout(ROLLOUT_ID, startedAt, CANARY_WEIGHT);

/**
 * The span over which traffic at `rate` yields `evaluations` labels by its end: S solves
 * rate·(S − E[min(D, S)]) = evaluations for the label delay D = m + Exp(μ), where
 * E[min(D, S)] = m + μ(1 − e^{−(S−m)/μ}).
 */
function historySpanMs(evaluations: number, rate: number): number {
  const m = TRAFFIC.minLabelDelayMs;
  const mu = TRAFFIC.meanLabelDelayMs;
  let span = (evaluations / rate) * 1_000 + m + mu;
  for (let i = 0; i < 50; i++)
    span = (evaluations / rate) * 1_000 + m + mu * (1 - Math.exp(-(span - m) / mu));
  return Math.round(span);
}

/** One size of history on two sets of topics: every evidence version, and only the latest per key. */
interface History {
  readonly evaluations: number;
  readonly all: BenchTopics;
  readonly compacted: BenchTopics;
  readonly watches: { readonly all: RolloutWatch; readonly compacted: RolloutWatch };
  readonly stats: HistoryStats;
  readonly spanMs: number;
}

async function writeHistory(
  stack: BenchStack,
  context: BenchContext,
  evaluations: number,
): Promise<History> {
  const all = await stack.topics('restart');
  const compacted = await stack.topics('restart-compacted');
  const endAt = Date.now();
  const spanMs = historySpanMs(evaluations, HISTORY_RATE);
  const startAt = endAt - spanMs;
  const state = startedState(startAt - 1_000);
  for (const topics of [all, compacted])
    await fillEvents(stack, topics.catalog.state, 1, () => [MODEL, state]);
  const stats = await writeEvidenceHistory(
    stack,
    { all: all.catalog.evidence, latest: compacted.catalog.evidence },
    { ...TRAFFIC, requestsPerSecond: HISTORY_RATE, steadyStateLabels: false },
    rolloutTerms(state),
    {
      batchOverheadMs: 0,
      recordMs: 0,
      maxBatchRecords: Number.POSITIVE_INFINITY,
      fetchIntervalMs: (HISTORY_BATCH / (HISTORY_RATE / PARTITIONS)) * 1_000,
      punctuateMs: 1_000,
    },
    { startAt, endAt, seed: evaluations },
  );
  context.log(
    `  history of ${stats.evaluations} evaluations over ${(spanMs / 3_600_000).toFixed(2)} h: ${stats.records} evidence records ` +
      `(${stats.watermarkRecords} watermark-only, ${(stats.bytes / 2 ** 20).toFixed(0)} MiB), ${stats.keys} keys; written in ${stats.seconds.toFixed(0)} s`,
  );
  const watch = (topics: BenchTopics) =>
    watchRollouts(stack.kafka, stack.codec, topics.catalog, `${topics.prefix}.watch`);
  return {
    evaluations,
    all,
    compacted,
    watches: { all: await watch(all), compacted: await watch(compacted) },
    stats,
    spanMs,
  };
}

async function disposeHistory(history: History): Promise<void> {
  await history.watches.all.close();
  await history.watches.compacted.close();
  await history.all.dispose();
  await history.compacted.dispose();
}

type Variant = 'all' | 'compacted';

async function timeStart(
  context: BenchContext,
  history: History,
  variant: Variant,
  label: string,
): Promise<DecisionStart & { readonly load: number }> {
  const topics = history[variant];
  const logDir = fileURLToPath(new URL(`../out/${topics.prefix}`, import.meta.url));
  await mkdir(logDir, { recursive: true });
  const load = loadavg()[0]!;
  const start = await timeDecisionStart(
    topics.env,
    `${logDir}/decision-${label}.log`,
    ROLLOUT_ID,
    history.watches[variant],
    START_TIMEOUT_MS,
  );
  context.log(
    `  ${history.evaluations} evaluations, ${variant === 'all' ? 'every version' : 'compacted'}, ${label}: ${start.evidenceRecords} records read, ` +
      `ready ${start.readyMs} ms (reading ${start.restoreMs} ms), first decision ${start.firstDecisionMs} ms (${start.action}: ${start.reason}); load ${load.toFixed(1)}`,
  );
  return { ...start, load };
}

function restartMetrics(
  variant: Variant,
  sizes: readonly number[],
  runs: ReadonlyMap<number, DecisionStart[]>,
): Metric[] {
  const what = variant === 'all' ? 'every version' : 'compacted (latest per key)';
  const metrics: Metric[] = [];
  const ofSize = (n: number) => runs.get(n) ?? [];
  for (const n of sizes) {
    const label = n.toLocaleString('en-US');
    const key = `decision-restart.${variant}.${n}`;
    const first = metric(
      `${key}.first-decision`,
      `${label} evaluations, ${what}: process start → first decision report`,
      'ms',
      ofSize(n).map((r) => r.firstDecisionMs),
    );
    metrics.push(
      metric(
        `${key}.records`,
        `${label} evaluations, ${what}: evidence records read`,
        'records',
        ofSize(n).map((r) => r.evidenceRecords),
      ),
      metric(
        `${key}.ready`,
        `${label} evaluations, ${what}: process start → decision.ready`,
        'ms',
        ofSize(n).map((r) => r.readyMs),
      ),
      n === sizes.at(-1) ? withTarget(first, 'at-most', 10_000, '≤ 10 s') : first,
    );
  }
  const [small, large] = [ofSize(sizes[0]!), ofSize(sizes.at(-1)!)];
  const ratio = (pick: (r: DecisionStart) => number) =>
    large.map((r, i) => pick(r) / pick(small[i] ?? r));
  const sizesText = `${sizes.at(-1)!.toLocaleString('en-US')} / ${sizes[0]!.toLocaleString('en-US')}`;
  metrics.push(
    metric(
      `decision-restart.${variant}.ratio.ready`,
      `${what}: ready time, ${sizesText} (per repetition)`,
      '×',
      ratio((r) => r.readyMs),
    ),
    withTarget(
      metric(
        `decision-restart.${variant}.ratio.first-decision`,
        `${what}: time to first decision, ${sizesText} (per repetition)`,
        '×',
        ratio((r) => r.firstDecisionMs),
      ),
      'at-most',
      1.5,
      '≤ 1.5',
    ),
  );
  return metrics;
}

async function evidenceRates(
  context: BenchContext,
): Promise<{ metrics: Metric[]; notes: string[] }> {
  // Several publication intervals of a closed bucket (its width, 2 min here): a steady state.
  const seconds = context.quick ? 60 : 600;
  // On an hour boundary, so that the buckets fall alike in every run (the simulation is then
  // deterministic); the rollout far enough back that steady-state labels all come after its start.
  const startAt = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const terms = rolloutTerms(startedState(startAt - 2 * 86_400_000));
  const simulate = (rate: number, commitMs: number) =>
    simulateEvidenceRate(
      { ...TRAFFIC, requestsPerSecond: rate, steadyStateLabels: true },
      terms,
      livePace(commitMs),
      startAt,
      seconds,
      rate,
    );
  const metrics: Metric[] = [];
  const notes: string[] = [];
  const describe = (r: EvidenceRate, commitMs: number) =>
    `${r.requestsPerSecond} requests/s, ${commitMs} ms commits: ${r.recordsPerSecond.toFixed(0)} records/s, ` +
    `${r.batchesPerSecond.toFixed(1)} batches/s of ${r.inputsPerBatch.toFixed(0)} inputs, ${r.recordsPerBatch.toFixed(1)} records per batch, lag at the end ${r.lagMs.toFixed(0)} ms`;
  for (const commitMs of [COMMIT_MS, SLOW_COMMIT_MS]) {
    const rates = commitMs === COMMIT_MS ? [HISTORY_RATE, 1_000, 20_000] : [1_000, 20_000];
    const results = new Map<number, EvidenceRate>();
    for (const rate of rates) {
      const r = await simulate(rate, commitMs);
      results.set(rate, r);
      context.log(`  simulated ${describe(r, commitMs)}`);
      notes.push(`Simulated evaluator loop, ${describe(r, commitMs)}.`);
      metrics.push(
        metric(
          `decision-restart.evidence-rate.${commitMs}ms.${rate}`,
          `evidence records written per second of traffic at ${rate.toLocaleString('en-US')} requests/s (simulated, ${commitMs} ms per commit)`,
          'records/s',
          [r.recordsPerSecond],
        ),
      );
    }
    metrics.push(
      withTarget(
        metric(
          `decision-restart.evidence-rate.${commitMs}ms.ratio`,
          `evidence records per second of traffic, 20,000 / 1,000 requests/s (simulated, ${commitMs} ms per commit)`,
          '×',
          [results.get(20_000)!.recordsPerSecond / results.get(1_000)!.recordsPerSecond],
        ),
        'at-most',
        1.2,
        '≤ 1.2',
      ),
    );
  }
  return { metrics, notes };
}

export const decisionRestartBenchmark: Benchmark<BenchStack> = {
  name: 'decision-restart',
  title: 'Decision restart: process start to first decision on a long history',
  async run(stack, context): Promise<BenchmarkResult> {
    const sizes = context.quick ? [10_000, 100_000] : [100_000, 10_000_000];
    const histories: History[] = [];
    /** 1-min load average at each measured start, by history size. */
    const loads = new Map<number, number[]>(sizes.map((n) => [n, []]));
    const runs: Record<Variant, Map<number, DecisionStart[]>> = {
      all: new Map(sizes.map((n) => [n, []])),
      compacted: new Map(sizes.map((n) => [n, []])),
    };
    try {
      for (const n of sizes) histories.push(await writeHistory(stack, context, n));
      // Not counted: the first start also fills the TypeScript loader's cache.
      await timeStart(context, histories[0]!, 'compacted', 'warm-up');
      for (let rep = 1; rep <= context.repetitions; rep++) {
        for (const variant of ['all', 'compacted'] as const) {
          for (const history of histories) {
            const start = await timeStart(context, history, variant, `run-${rep}`);
            runs[variant].get(history.evaluations)!.push(start);
            loads.get(history.evaluations)!.push(start.load);
          }
        }
      }
    } finally {
      for (const history of histories) await disposeHistory(history);
    }
    const rates = await evidenceRates(context);
    const loadNotes = sizes.map((n) => {
      const at = loads.get(n) ?? [];
      return `1-min load average at the starts on the ${n.toLocaleString('en-US')}-evaluation history: ${Math.min(...at).toFixed(1)}–${Math.max(...at).toFixed(1)} (2 cores, shared).`;
    });
    const historyNotes = histories.map(
      ({ evaluations, stats, spanMs }) =>
        `History of ${evaluations.toLocaleString('en-US')} evaluations (${stats.evaluations.toLocaleString('en-US')} folded) over ${(spanMs / 3_600_000).toFixed(2)} h: ` +
        `${stats.records.toLocaleString('en-US')} evidence records with every version (${stats.watermarkRecords.toLocaleString('en-US')} watermark-only, ` +
        `${(stats.bytes / 2 ** 20).toFixed(1)} MiB of values), ${stats.keys.toLocaleString('en-US')} keys once compacted; built and written in ${stats.seconds.toFixed(0)} s.`,
    );
    return {
      name: 'decision-restart',
      title: this.title,
      setup:
        `Restart: one rollout (default policy: label maturity 1 h, so 1-min evidence buckets; canary at the first step, ${CANARY_WEIGHT * 100} %) on rollout.state, started just before its history. ` +
        `The history is the evidence the evaluator would have written for ${sizes.map((n) => n.toLocaleString('en-US')).join(' and ')} evaluations at ${HISTORY_RATE} requests/s ending when the history is built ` +
        `(${PARTITIONS} source partitions; 90 % accurate arms, log-normal latency with a 20 ms median; every request labelled ${TRAFFIC.minLabelDelayMs / 1000} s + an exponential delay of mean ${TRAFFIC.meanLabelDelayMs / MINUTE} min after its prediction): ` +
        `synthetic routed requests, predictions and labels folded per partition by the real EvidenceFolder in the bench process with the evaluator's publication defaults (open buckets and the watermark at most once a second, closed ones once per 1/30 of the maturity window, every bucket at its creation, closing and maturity), checkpoint() after every batch of ${HISTORY_BATCH} input records of a topic-partition and at every 1 s punctuation, ` +
        "and EVERY checkpoint's records produced to the evidence topic, pinned to their source partition and keyed as the evaluator keys them, then every partition marked read to its end (watermarks complete). " +
        'A second set of topics holds only the latest record per key (the same evidence once compacted). ' +
        'Each start spawns services/decision/src/main.ts (node --conditions=source --import tsx, as kanary demo runs it; DECISION_INTERVAL_MS default 5 s, LOG_LEVEL info) and times, from the spawn, its decision.ready log line (its timestamp) ' +
        'and its first DecisionReport for the rollout reaching a read_committed consumer of rollout.decisions; then SIGTERM. One unmeasured start first; the sizes and variants interleaved per repetition. ' +
        `Evidence rate: a SIMULATION of the evaluator's batching, not a broker run: ${context.quick ? 60 : 600} s of steady-state traffic (the same shape) per rate folded by the real EvidenceFolder, one loop per source partition ` +
        `fetching each topic-partition's new records (at most ${FETCH_RECORDS.toLocaleString('en-US')} per batch: EVALUATOR_MAX_BYTES_PER_PARTITION 1 MiB / ~300 B) as soon as its previous batches are committed, ` +
        `a commit costing ${COMMIT_MS} ms (and, for sensitivity, ${SLOW_COMMIT_MS} ms) plus 35 µs per input record; checkpoint() after every batch and punctuation with the evaluator's publication defaults, every published record counted (deterministic: one run per rate; the changelog's records, read by no one but the evaluator, are not counted).`,
      metrics: [
        ...restartMetrics('all', sizes, runs.all),
        ...restartMetrics('compacted', sizes, runs.compacted),
        ...rates.metrics,
      ],
      notes: [...historyNotes, ...loadNotes, ...rates.notes],
    };
  },
};
