/**
 * Cumulative counters, mean-based metrics, per-segment accuracy and latency sketch of one
 * rollout × model × variant × role. A variant that changes role within a rollout (SHADOW, then
 * CANARY) gets one series per role: shadow copies see every request and a canary only its share,
 * so mixing them would blur accuracy.
 *
 * Populations: `predictions` and the latency sketch cover every distinct prediction seen
 * (latency is known without a label, and failed calls' latency is part of what callers see);
 * `labelled`, `correct`, errors and timeouts, the means (squared error, log-loss, Brier score,
 * outcomes: the evidence's own folding, `addEvaluationMeans`) and the segments (at most
 * `MAX_SEGMENTS` named, the rest as `OTHER_SEGMENT`, as in the evidence) cover evaluations only.
 */
import { PredictionStatus, Role, type Evaluation, type VariantMetrics } from '@kanary/contracts';
import {
  LatencySketch,
  MeanMetric,
  addEvaluationMeans,
  addMeans,
  boundedSegment,
  outcomeName,
  type MeanMoments,
  type Moments,
} from '@kanary/evidence';
import { ChangelogFormatError } from './changelog-format-error.js';
import { ExpiryReason } from './expiry-reason.js';
import { parseVersionedJson } from './versioned-json.js';

export interface VariantId {
  readonly rolloutId: string | null;
  readonly model: string;
  readonly variant: string;
  readonly role: Role;
}

/** Unambiguous identity text of a variant id (also the suffix of its changelog key). */
export function variantIdText(id: VariantId): string {
  return JSON.stringify([id.rolloutId, id.model, id.variant, id.role]);
}

/** Order of the counters in the checkpoint; append only, never reorder. */
const COUNTER_NAMES = [
  'predictions',
  'duplicatePredictions',
  'labelled',
  'correct',
  'absErrorSum',
  'absErrorCount',
  'errors',
  'timeouts',
  'expiredPredictions',
  'evictedPredictions',
] as const;
type CounterName = (typeof COUNTER_NAMES)[number];
export type VariantCounters = Record<CounterName, number>;

/** A segment's share of the labelled evaluations. */
interface SegmentTally {
  labelled: number;
  correct: number;
}

/** What an evaluation adds to its variant's metrics. */
export type MeteredEvaluation = Pick<
  Evaluation,
  'correct' | 'absError' | 'status' | 'logLoss' | 'brier' | 'outcomes' | 'segment'
>;

/**
 * Version 2 added the means ("m") and segments ("g"); version 1 is read as having none, so
 * squared errors (RMSE), log-loss, Brier score, outcomes and segments of a series restored from
 * one cover the evaluations since the upgrade only.
 */
const CHECKPOINT_VERSION = 2;
const ROLES = new Set<string>(Object.values(Role));

const ratio = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

const mean = (m: MeanMoments | undefined): number | null =>
  m === undefined ? null : ratio(m.sum, m.n);

const newTally = (): SegmentTally => ({ labelled: 0, correct: 0 });

const sortedKeys = (map: ReadonlyMap<string, unknown>): string[] => [...map.keys()].sort();

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Whether `value` is a list of `[name, number, …]` rows of `length` (means, segments). */
const isRows = (value: unknown, length: number): boolean =>
  Array.isArray(value) &&
  value.every(
    (row: unknown) =>
      Array.isArray(row) &&
      row.length === length &&
      typeof row[0] === 'string' &&
      row.slice(1).every(finite),
  );

export class VariantAggregate {
  private readonly counts: VariantCounters;
  /** Predictions of this variant waiting for a label; a gauge, rebuilt from the store on restore. */
  pending = 0;
  readonly latency: LatencySketch;

  /** Moments of squaredError, logLoss, brier and outcome:<name> (mean-moments.ts). */
  private readonly means: Map<string, Moments>;
  private readonly segments: Map<string, SegmentTally>;

  constructor(
    readonly id: VariantId,
    relativeAccuracy: number,
    counts?: VariantCounters,
    latency?: LatencySketch,
    means: Map<string, Moments> = new Map(),
    segments: Map<string, SegmentTally> = new Map(),
  ) {
    this.counts =
      counts ?? (Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as VariantCounters);
    this.latency = latency ?? new LatencySketch(relativeAccuracy);
    this.means = means;
    this.segments = segments;
  }

  get counters(): Readonly<VariantCounters> {
    return this.counts;
  }

  /** A distinct prediction arrived. */
  recordPrediction(latencyMs: number): void {
    this.counts.predictions += 1;
    this.latency.add(latencyMs);
  }

  recordDuplicate(): void {
    this.counts.duplicatePredictions += 1;
  }

  recordEvaluation(e: MeteredEvaluation): void {
    const counts = this.counts;
    counts.labelled += 1;
    if (e.correct) counts.correct += 1;
    if (e.absError !== null) {
      counts.absErrorSum += e.absError;
      counts.absErrorCount += 1;
    }
    if (e.status === PredictionStatus.ERROR) counts.errors += 1;
    if (e.status === PredictionStatus.TIMEOUT) counts.timeouts += 1;
    addEvaluationMeans(this.means, e, false);
    if (e.segment !== null && e.segment !== '') this.addToSegment(e.segment, 1, e.correct ? 1 : 0);
  }

  private addToSegment(segment: string, labelled: number, correct: number): void {
    const tally = boundedSegment(this.segments, segment, newTally);
    tally.labelled += labelled;
    tally.correct += correct;
  }

  recordExpiry(reason: ExpiryReason): void {
    if (reason === ExpiryReason.EVICTED) this.counts.evictedPredictions += 1;
    else this.counts.expiredPredictions += 1;
  }

  /**
   * Adds `other` (same id) into this one: counters and means sum, segments sum by name (within
   * the same bound), sketches merge, gauges sum.
   */
  merge(other: VariantAggregate): void {
    for (const name of COUNTER_NAMES) this.counts[name] += other.counts[name];
    addMeans(this.means, other.means);
    for (const name of sortedKeys(other.segments)) {
      const { labelled, correct } = other.segments.get(name) as SegmentTally;
      this.addToSegment(name, labelled, correct);
    }
    this.latency.merge(other.latency);
    this.pending += other.pending;
  }

  /** Mean of each outcome, by outcome name. */
  private outcomeMeans(): Record<string, number> {
    const outcomes: Record<string, number> = {};
    for (const metric of sortedKeys(this.means)) {
      const name = outcomeName(metric);
      const value = mean(this.means.get(metric));
      if (name !== undefined && value !== null) outcomes[name] = value;
    }
    return outcomes;
  }

  /**
   * The contract record. `expiredPredictions` counts TTL expiries and evictions alike: both
   * are predictions that never got a label, which is what label coverage measures.
   */
  toMetrics(at: number): VariantMetrics {
    const c = this.counts;
    const expired = c.expiredPredictions + c.evictedPredictions;
    return {
      rolloutId: this.id.rolloutId,
      model: this.id.model,
      variant: this.id.variant,
      role: this.id.role,
      predictions: c.predictions,
      labelled: c.labelled,
      correct: c.correct,
      accuracy: ratio(c.correct, c.labelled),
      meanAbsError: ratio(c.absErrorSum, c.absErrorCount),
      rootMeanSquaredError: rootOf(mean(this.means.get(MeanMetric.SQUARED_ERROR))),
      logLoss: mean(this.means.get(MeanMetric.LOG_LOSS)),
      brier: mean(this.means.get(MeanMetric.BRIER)),
      outcomes: this.outcomeMeans(),
      segments: sortedKeys(this.segments).map((segment) => {
        const { labelled, correct } = this.segments.get(segment) as SegmentTally;
        return { segment, labelled, correct, accuracy: ratio(correct, labelled) };
      }),
      errors: c.errors,
      timeouts: c.timeouts,
      errorRate: ratio(c.errors + c.timeouts, c.labelled),
      latencyP50: this.latency.quantile(0.5),
      latencyP95: this.latency.quantile(0.95),
      latencyP99: this.latency.quantile(0.99),
      expiredPredictions: expired,
      pending: this.pending,
      labelCoverage: ratio(c.labelled, c.labelled + expired),
      at,
    };
  }

  /**
   * Checkpoint text: `{"v":2,"k":[rolloutId,model,variant,role],"c":[counters…],"s":sketch,
   * "m":[[metric,n,sum,squares]…],"g":[[segment,labelled,correct]…]}` with the sketch as
   * `LatencySketch.encode` gives it, means and segments sorted (the same state, the same text).
   */
  encode(): string {
    const { rolloutId, model, variant, role } = this.id;
    return JSON.stringify({
      v: CHECKPOINT_VERSION,
      k: [rolloutId, model, variant, role],
      c: COUNTER_NAMES.map((n) => this.counts[n]),
      s: this.latency.encode(),
      m: sortedKeys(this.means).map((metric) => {
        const { n, sum, squares } = this.means.get(metric) as Moments;
        return [metric, n, sum, squares];
      }),
      g: sortedKeys(this.segments).map((segment) => {
        const { labelled, correct } = this.segments.get(segment) as SegmentTally;
        return [segment, labelled, correct];
      }),
    });
  }

  /** Reads a checkpoint of version 2, or of version 1 (no means, no segments). */
  static decode(key: string, value: string, relativeAccuracy: number): VariantAggregate {
    const { k, c, s, m = [], g = [] } = parseVersionedJson(key, value, CHECKPOINT_VERSION, 1);
    const idOk =
      Array.isArray(k) &&
      k.length === 4 &&
      (k[0] === null || typeof k[0] === 'string') &&
      k.slice(1).every((part) => typeof part === 'string') &&
      ROLES.has(k[3] as string);
    const countsOk =
      Array.isArray(c) &&
      c.length === COUNTER_NAMES.length &&
      c.every((n) => typeof n === 'number' && Number.isFinite(n));
    const meansOk = isRows(m, 4);
    const segmentsOk = isRows(g, 3);
    if (!idOk || !countsOk || !LatencySketch.isEncoded(s) || !meansOk || !segmentsOk) {
      throw new ChangelogFormatError(key, 'malformed variant metrics checkpoint');
    }
    const [rolloutId, model, variant, role] = k as [string | null, string, string, Role];
    const counts = Object.fromEntries(
      COUNTER_NAMES.map((n, i) => [n, (c as number[])[i]]),
    ) as VariantCounters;
    const means = new Map<string, Moments>(
      (m as Array<[string, number, number, number]>).map(([metric, n, sum, squares]) => [
        metric,
        { n, sum, squares },
      ]),
    );
    const segments = new Map<string, SegmentTally>(
      (g as Array<[string, number, number]>).map(([segment, labelled, correct]) => [
        segment,
        { labelled, correct },
      ]),
    );
    return new VariantAggregate(
      { rolloutId, model, variant, role },
      relativeAccuracy,
      counts,
      LatencySketch.decode(s, relativeAccuracy),
      means,
      segments,
    );
  }
}

function rootOf(x: number | null): number | null {
  return x === null ? null : Math.sqrt(x);
}
