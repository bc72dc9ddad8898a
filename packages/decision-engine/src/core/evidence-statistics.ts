/**
 * One rollout's statistics, read from the merged evidence (see @kanary/evidence): the counts
 * `decide` judges, recomputed at each tick from the buckets every source partition published.
 * Nothing here grows with requests: the work is one pass over the rollout's buckets.
 *
 * Event-time maturity: a bucket counts once its END plus the label maturity window is at or
 * below the evidence watermark — the lowest watermark of all source partitions — so every
 * prediction in it had the full window for its label, and every label that came within the
 * window has been folded, whatever lag any component had. A component that lags holds the
 * watermark back: decisions wait; they are never made on a partial bucket.
 *
 * Windows (set by the tracker from the rollout's states, as before): `sinceStart` (shadow mode),
 * `sinceComparison` (buckets from when the canary began serving: concurrent control) and
 * `window` (buckets from the current step start, resume or manual weight change). A bucket
 * straddling a boundary belongs to the earlier side, for every arm alike.
 *
 * Latency threshold, fixed by event time: the stable arm's mature buckets in time order until
 * they hold `referenceSamples` latencies; maxRatio × their q-quantile. Those reference buckets are
 * not counted for latency in either arm (the threshold must not be tested on the data that set
 * it; see latencyExceedanceTest), later buckets are. It is computed from the evidence alone, so
 * a restarted service fixes the same threshold; once fixed it never moves.
 */
import { RolloutPhase } from '@kanary/contracts';
import {
  LatencySketch,
  MeanMetric,
  addMeans,
  addMoments,
  addSegments,
  momentsOf,
  type ArmBucket,
  type EvidenceBook,
} from '@kanary/evidence';
import type { LatencyThreshold, Policy, RolloutObservations } from '@kanary/rollout';
import { Arm, emptyTally, windowCounts, type ArmTally, type Tally } from './tally.js';

const { STABLE, CANARY, SHADOW } = Arm;

/** Totals of one arm over all of its evidence, mature or not (for summaries). */
export interface ArmOverall {
  readonly routed: number;
  /** Null until the arm has evidence. */
  readonly latency: LatencySketch | null;
}

interface Totals {
  readonly sinceStart: Tally;
  readonly sinceComparison: Tally;
  readonly window: Tally;
  readonly units: { stable: number; canary: number };
  readonly agreement: { nPairs: number; nDisagree: number };
  readonly overall: Record<Arm, { routed: number; latency: LatencySketch | null }>;
  numeric: boolean;
  /** Buckets folded with another label maturity window than the policy's. */
  mismatched: number;
  /** Segments of the compared arms' mature buckets: the earliest bucket start of each. */
  readonly segmentsSeen: Map<string, number>;
}

/** Adds one mature bucket's counts into an arm's tally. */
function addBucket(into: ArmTally, bucket: ArmBucket, timed: number, slow: number): void {
  const counts = bucket.counts;
  into.routed += counts.routed;
  into.labelled += counts.labelled;
  into.correct += counts.correct;
  into.errors += counts.errors;
  into.timed += timed;
  into.slow += slow;
  // A bucket keeps absolute errors in its plain counts; the policy reads them among the means.
  const absError = momentsOf(bucket, MeanMetric.ABS_ERROR);
  if (absError.n > 0) addMoments(into.means, MeanMetric.ABS_ERROR, absError);
  addMeans(into.means, bucket.means);
  addSegments(into.segments, bucket.segments);
}

export class EvidenceStatistics {
  private comparisonStart: number | null = null;
  private windowStart: number;
  private shadowPhase = false;
  private threshold: { readonly value: LatencyThreshold; readonly referenceEnd: number } | null =
    null;
  private collected = 0;
  private totals: Totals;
  /** The evidence watermark the totals were computed at (null: not every partition reported). */
  private computedAt: number | null = null;

  constructor(
    private readonly book: EvidenceBook,
    readonly rolloutId: string,
    private readonly arms: { readonly stable: string; readonly canary: string | null },
    private readonly policy: Policy,
    private readonly startedAt: number,
    windowStartedAt: number,
    private readonly checkSampleRatio = true,
  ) {
    this.windowStart = windowStartedAt;
    this.totals = this.emptyTotals();
  }

  get comparisonStartedAt(): number | null {
    return this.comparisonStart;
  }

  /** Buckets folded with a maturity window other than the policy's, at the last refresh. */
  get mismatchedBuckets(): number {
    return this.totals.mismatched;
  }

  /** Shadow pairs count only while the rollout is in shadow mode. */
  setShadowPhase(shadow: boolean): void {
    this.shadowPhase = shadow;
  }

  /** When the canary began serving; set once. */
  setComparisonStart(startedAt: number): void {
    if (this.comparisonStart === null) this.comparisonStart = startedAt;
  }

  /** A new evaluation window, if later than the current one. */
  setWindowStart(startedAt: number): void {
    if (startedAt > this.windowStart) this.windowStart = startedAt;
  }

  /** The arm a bucket belongs to, or null when this rollout does not compare it. */
  armOf(bucket: ArmBucket): Arm | null {
    const { variant, role, served } = bucket.arm;
    if (role === 'STABLE' && served && variant === this.arms.stable) return STABLE;
    if (role === 'CANARY' && served && variant === this.arms.canary) return CANARY;
    if (role === 'SHADOW' && !served && variant === this.arms.canary) return SHADOW;
    return null;
  }

  /** Recomputes every total from the evidence as of the evidence watermark `low`. */
  refresh(low: number | null): void {
    this.computedAt = low;
    this.fixThreshold(low);
    const totals = this.emptyTotals();
    const maturity = this.policy.labelMaturityMs;
    const threshold = this.threshold;
    for (const bucket of this.book.buckets(this.rolloutId)) {
      const arm = this.armOf(bucket);
      if (arm === null) continue;
      const counts = bucket.counts;
      const overall = totals.overall[arm];
      overall.routed += counts.routed;
      overall.latency ??= new LatencySketch(bucket.latency.relativeAccuracy);
      overall.latency.merge(bucket.latency);
      if (counts.numeric > 0) totals.numeric = true;
      if (arm === SHADOW) {
        totals.agreement.nPairs += counts.outputPairs;
        totals.agreement.nDisagree += counts.outputDisagreements;
      }
      if (bucket.maturityMs !== maturity) totals.mismatched += 1;
      if (low === null) continue;
      const end = bucket.bucketStart + bucket.bucketMs;
      if (end > low) continue;
      const start = bucket.bucketStart;
      if (arm !== SHADOW && start >= this.windowStart) totals.units[arm] += counts.units;
      if (end + maturity > low) continue;
      const latency = threshold !== null && start > threshold.referenceEnd;
      const timed = latency ? bucket.latency.count : 0;
      const slow = latency ? slowCount(bucket, threshold.value.thresholdMs) : 0;
      const pairs = arm === SHADOW && this.shadowPhase;
      const targets = [totals.sinceStart];
      if (this.comparisonStart !== null && start >= this.comparisonStart) {
        targets.push(totals.sinceComparison);
      }
      if (start >= this.windowStart) targets.push(totals.window);
      for (const target of targets) {
        addBucket(target[arm], bucket, timed, slow);
        if (pairs) {
          target.pairs.nPairs += counts.labelledPairs;
          target.pairs.n10 += counts.shadowOnlyCorrect;
          target.pairs.n01 += counts.stableOnlyCorrect;
        }
      }
      for (const segment of bucket.segments.keys()) {
        const seen = totals.segmentsSeen.get(segment);
        if (seen === undefined || start < seen) totals.segmentsSeen.set(segment, start);
      }
    }
    this.totals = totals;
  }

  /** The counts `decide` judges, for a rollout in `phase` (SHADOW or CANARY), as of the last refresh. */
  observations(phase: RolloutPhase): RolloutObservations {
    const shadow = phase === RolloutPhase.SHADOW;
    const canaryArm = shadow ? SHADOW : CANARY;
    const totals = this.totals;
    const comparison: Tally = shadow
      ? totals.sinceStart
      : this.comparisonStart === null
        ? emptyTally()
        : totals.sinceComparison;
    return {
      comparison: windowCounts(comparison, canaryArm),
      comparisonStartedAt: shadow ? this.startedAt : (this.comparisonStart ?? this.startedAt),
      window: windowCounts(totals.window, canaryArm),
      windowStartedAt: this.windowStart,
      windowUnits: this.checkSampleRatio ? { ...totals.units } : null,
      latencyThreshold: this.threshold?.value ?? null,
      latencyReferenceCollected: this.threshold?.value.referenceSamples ?? this.collected,
      agreement:
        shadow && !totals.numeric && totals.agreement.nPairs > 0 ? { ...totals.agreement } : null,
      segmentOrder: [...totals.segmentsSeen]
        .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0))
        .map(([segment]) => segment),
    };
  }

  /** All evidence of an arm so far, mature or not. */
  overall(arm: Arm): ArmOverall {
    return this.totals.overall[arm];
  }

  /** The evidence watermark of the last refresh. */
  get evidenceTime(): number | null {
    return this.computedAt;
  }

  private fixThreshold(low: number | null): void {
    const settings = this.policy.latency;
    if (this.threshold !== null || low === null) return;
    const mature = [...this.book.buckets(this.rolloutId)]
      .filter(
        (b) =>
          this.armOf(b) === STABLE &&
          b.bucketStart + b.bucketMs + this.policy.labelMaturityMs <= low,
      )
      .sort((a, b) => a.bucketStart - b.bucketStart);
    let reference: LatencySketch | null = null;
    let i = 0;
    while (i < mature.length) {
      // Every source partition's record of the same bucket joins the reference together.
      const start = (mature[i] as ArmBucket).bucketStart;
      for (; i < mature.length && (mature[i] as ArmBucket).bucketStart === start; i += 1) {
        const bucket = mature[i] as ArmBucket;
        reference ??= new LatencySketch(bucket.latency.relativeAccuracy);
        reference.merge(bucket.latency);
      }
      if (reference !== null && reference.count >= settings.referenceSamples) {
        const referenceMs = reference.quantile(settings.quantile) as number;
        this.threshold = {
          value: Object.freeze({
            thresholdMs: settings.maxRatio * referenceMs,
            referenceMs,
            referenceSamples: reference.count,
          }),
          referenceEnd: start,
        };
        return;
      }
    }
    this.collected = reference?.count ?? 0;
  }

  private emptyTotals(): Totals {
    const overall = () => ({ routed: 0, latency: null });
    return {
      sinceStart: emptyTally(),
      sinceComparison: emptyTally(),
      window: emptyTally(),
      units: { stable: 0, canary: 0 },
      agreement: { nPairs: 0, nDisagree: 0 },
      overall: { stable: overall(), canary: overall(), shadow: overall() },
      numeric: false,
      mismatched: 0,
      segmentsSeen: new Map(),
    };
  }
}

/** Slower than the threshold, cached per bucket version (a bucket object is never mutated once read). */
const slowCache = new WeakMap<ArmBucket, { thresholdMs: number; slow: number }>();

function slowCount(bucket: ArmBucket, thresholdMs: number): number {
  const cached = slowCache.get(bucket);
  if (cached !== undefined && cached.thresholdMs === thresholdMs) return cached.slow;
  const slow = bucket.latency.countAbove(thresholdMs);
  slowCache.set(bucket, { thresholdMs, slow });
  return slow;
}
