/**
 * Folds what one source partition of the data topics shows — routed requests and evaluations —
 * into per-(rollout, arm, event-time bucket) evidence, and tracks the partition's watermark.
 * Pure: the shell passes the clock and performs the returned records. One folder per source
 * partition, like the join processor it sits beside (Kafka Streams' task model).
 *
 * Exactly once, and published at a rate that does not grow with traffic: two outputs per commit.
 * - `changes()`: every bucket changed since the previous call (and the watermark, when it moved),
 *   for the shell's own changelog, written in the same transaction as the consumed offsets. A
 *   folder restored from those records (`restore`) after any crash continues exactly where the
 *   committed state left off.
 * - `checkpoint(now)`: what to publish on the evidence topic, the decision service's input.
 *   Every change is published, but a bucket's changes wait for the next of its publication
 *   points (`EvidencePublishing`): at once when it is created, when the published watermark
 *   passes its end (closed: every routed request counted) and its end plus the maturity window
 *   (mature: what the decision judges), and otherwise at most once per `openIntervalMs` while it
 *   is open and once per `closedIntervalMs` once closed (labels still arriving). Labels complete
 *   buckets across the whole maturity window, so publishing every change of every commit writes
 *   more records per second the more traffic there is (more commits, and more of the window's
 *   buckets touched by each); publication points bound it by buckets × intervals.
 *   The watermark itself is published at most once per `openIntervalMs`, after the buckets of the
 *   same checkpoint, which carry the watermark published before: a reader that has seen a
 *   watermark has seen every bucket it makes closed or mature in its final version.
 * After a restore every bucket is published again at the first checkpoint (which of its changes
 * had been published is not kept).
 *
 * Watermark (event time up to which this partition's inputs are complete): each input topic has
 * its own — the highest event time read from it (capped at the clock: a producer's clock running
 * ahead must not move it into the future), or, while the topic is read to its end, the clock
 * minus `latenessMs` (records of transactions still open upstream may yet appear with earlier
 * times). The partition's watermark is the lowest of its topics', so a topic that is read behind
 * the others (labels lagging predictions) holds the evidence back instead of making it look
 * complete. It never moves back.
 */
import type { ArmEvidence, Evaluation, Role } from '@kanary/contracts';
import { ArmBucket, emptyArmCounts } from './arm-bucket.js';
import { AssignmentUnits, type CountedUnit } from './assignment-units.js';
import { bucketStartOf } from './bucket-width.js';
import { RecentBuckets } from './recent-buckets.js';
import { bucketKey, watermarkKey, type ArmId } from './evidence-key.js';
import type { LabelledPairInput, OutputPairInput } from './pair-inputs.js';
import type { RolloutTerms } from './rollout-terms.js';

/** What the folder needs of a routed request (a `RoutedRequest` has it all). */
export interface RoutedInput {
  readonly rolloutId: string | null;
  readonly variant: string;
  readonly role: Role;
  readonly served: boolean;
  /** Epoch ms: the event time of the request's evidence. */
  readonly routedAt: number;
  /** The unit of sticky assignment; null, empty or absent: the request is its own unit. */
  readonly routingKey?: string | null;
}

/** What happened to one input. */
export const FoldOutcome = {
  FOLDED: 'folded',
  /** Not part of a rollout (rolloutId null). */
  NO_ROLLOUT: 'noRollout',
  /** A rollout the folder has no state of. */
  UNKNOWN_ROLLOUT: 'unknownRollout',
  /** Before the rollout started. */
  BEFORE_START: 'beforeStart',
} as const;
export type FoldOutcome = (typeof FoldOutcome)[keyof typeof FoldOutcome];

export interface EvidenceFolderOptions {
  /** The source partition this folder owns. */
  readonly partition: number;
  /** Partitions of the data topics. */
  readonly partitions: number;
  /** Input topics whose progress makes up the watermark (names, for `observe`/`caughtUp`). */
  readonly inputs: readonly string[];
  /** Relative accuracy of the latency sketches. */
  readonly relativeAccuracy: number;
  /** How far behind the clock a topic read to its end is assumed complete, in ms. */
  readonly latenessMs: number;
  /**
   * Routing keys remembered per rollout for counting assignment units; past it, new keys are
   * not counted until the rollout's state changes. @default 20_000
   */
  readonly unitKeyLimit?: number;
  /** When changes are published (`checkpoint`). @default every change at the next checkpoint */
  readonly publishing?: EvidencePublishing;
  /** The terms of a known rollout, or undefined. */
  terms(rolloutId: string): RolloutTerms | undefined;
}

/** How often a bucket's changes, and the watermark, are published between publication points. */
export interface EvidencePublishing {
  /**
   * Least time between two publications of an open bucket (its end above the published
   * watermark) and of the watermark, ms. 0: every change at the next checkpoint.
   */
  readonly openIntervalMs: number;
  /**
   * Least time between two publications of a closed bucket's changes (labels arriving) other
   * than at its closing and maturity, ms. 0: every change at the next checkpoint. Undefined:
   * 1/30 of the label maturity window (at least the bucket's width; 2 min with the default 1-h
   * window) — what a reader sees of a closed bucket is then as much behind as the bucket width
   * delays counting at most (~3 % of the window), and each bucket is published at most ~30
   * times before it matures, however much traffic it sees.
   */
  readonly closedIntervalMs?: number;
}

/** When a bucket was last published, and with which watermark. */
interface Publication {
  readonly at: number;
  readonly watermark: number;
}

/** Counts of inputs not folded, by reason. */
export type FoldSkips = Record<Exclude<FoldOutcome, 'folded'>, number>;

const NOT_YET = Number.NEGATIVE_INFINITY;

export class EvidenceFolder {
  private readonly buckets = new Map<string, ArmBucket>();
  /** The buckets `bucketOf` found last; a restore, which replaces buckets, forgets them. */
  private readonly recent = new RecentBuckets<ArmBucket>();
  /** Changed since the last `changes()`. */
  private readonly changed = new Set<string>();
  /** Changed since their last publication. */
  private readonly unpublished = new Set<string>();
  private readonly publications = new Map<string, Publication>();
  private readonly topicWatermarks = new Map<string, number>();
  private watermark = NOT_YET;
  /** The watermark of the last `changes()`. */
  private loggedWatermark = NOT_YET;
  /** The watermark last published, and when. */
  private publishedWatermark = NOT_YET;
  private watermarkPublishedAt = NOT_YET;
  private readonly publishing: EvidencePublishing;
  private readonly units: AssignmentUnits;
  readonly skipped: FoldSkips = { noRollout: 0, unknownRollout: 0, beforeStart: 0 };

  constructor(private readonly options: EvidenceFolderOptions) {
    for (const topic of options.inputs) this.topicWatermarks.set(topic, NOT_YET);
    this.units = new AssignmentUnits(options.partition, options.partitions, options.unitKeyLimit);
    this.publishing = options.publishing ?? { openIntervalMs: 0, closedIntervalMs: 0 };
  }

  /**
   * Applies one record of this partition's state — `changes()` or `checkpoint` output, in log
   * order; later ones win — before any input. Every restored bucket is published again at the
   * next checkpoint.
   */
  restore(record: ArmEvidence): void {
    this.recent.clear();
    if (record.rolloutId !== '') {
      const bucket = ArmBucket.fromRecord(record);
      const key = bucketKey(bucket.arm, bucket.bucketStart, this.options.partition);
      this.buckets.set(key, bucket);
      this.unpublished.add(key);
    }
    // 0 is how a watermark not yet known is written.
    if (record.watermark > 0 && record.watermark > this.watermark) {
      this.watermark = record.watermark;
      this.loggedWatermark = record.watermark;
      for (const topic of this.topicWatermarks.keys())
        this.topicWatermarks.set(topic, record.watermark);
    }
  }

  /** The partition's watermark, epoch ms; -Infinity before any input. */
  get currentWatermark(): number {
    return this.watermark;
  }

  /** Buckets held (for gauges). */
  get size(): number {
    return this.buckets.size;
  }

  /** An input record of `topic` with event time `eventTime` was read. */
  observe(topic: string, eventTime: number, now: number): void {
    this.raise(topic, Math.min(eventTime, now));
  }

  /** `topic` was read to its end as of `at` (epoch ms). */
  caughtUp(topic: string, at: number): void {
    this.raise(topic, at - this.options.latenessMs);
  }

  onRouted(routed: RoutedInput): FoldOutcome {
    const target = this.bucketOf(routed, routed.routedAt);
    if (typeof target === 'string') return target;
    const counted = routed.served && routed.role !== 'SHADOW';
    const terms = this.options.terms(routed.rolloutId as string) as RolloutTerms;
    target.addRouted(counted && this.units.isNew(terms, routed.routingKey ?? null));
    return FoldOutcome.FOLDED;
  }

  onOutputPair(pair: OutputPairInput): FoldOutcome {
    const target = this.bucketOf(shadowArm(pair), pair.predictedAt);
    if (typeof target === 'string') return target;
    target.addOutputPair(pair.agree);
    return FoldOutcome.FOLDED;
  }

  onLabelledPair(pair: LabelledPairInput): FoldOutcome {
    const target = this.bucketOf(shadowArm(pair), pair.shadowPredictedAt);
    if (typeof target === 'string') return target;
    target.addLabelledPair(pair);
    return FoldOutcome.FOLDED;
  }

  onEvaluation(evaluation: Evaluation): FoldOutcome {
    const target = this.bucketOf(evaluation, evaluation.predictedAt);
    if (typeof target === 'string') return target;
    target.addEvaluation(evaluation);
    return FoldOutcome.FOLDED;
  }

  /**
   * The records of the changes since the last call, for the shell's changelog (written with the
   * commit): every bucket changed, then this partition's watermark record when it moved. Each
   * carries the current watermark.
   */
  changes(now: number): ArmEvidence[] {
    const source = this.source(this.watermark);
    const out: ArmEvidence[] = [];
    for (const key of this.changed) {
      const bucket = this.buckets.get(key);
      if (bucket !== undefined) out.push(bucket.toRecord(source, now));
    }
    this.changed.clear();
    if (this.watermark > this.loggedWatermark) {
      out.push(watermarkRecord(source, now));
      this.loggedWatermark = this.watermark;
    }
    return out;
  }

  /**
   * The records to publish on the evidence topic with the next commit: the buckets whose
   * changes are due (see the class comment), carrying the watermark published before, then the
   * watermark record when the watermark is published further.
   */
  checkpoint(now: number): ArmEvidence[] {
    const { openIntervalMs } = this.publishing;
    const advance =
      this.watermark > this.publishedWatermark && now - this.watermarkPublishedAt >= openIntervalMs;
    const watermark = advance ? this.watermark : this.publishedWatermark;
    const carried = this.source(this.publishedWatermark);
    const out: ArmEvidence[] = [];
    for (const key of this.unpublished) {
      const bucket = this.buckets.get(key);
      if (bucket === undefined) {
        this.unpublished.delete(key);
        continue;
      }
      if (!this.due(bucket, this.publications.get(key), watermark, now)) continue;
      out.push(bucket.toRecord(carried, now));
      this.publications.set(key, { at: now, watermark });
      this.unpublished.delete(key);
    }
    if (advance) {
      out.push(watermarkRecord(this.source(watermark), now));
      this.publishedWatermark = watermark;
      this.watermarkPublishedAt = now;
    }
    return out;
  }

  /** Whether a bucket with unpublished changes is published now, with `watermark` published. */
  private due(
    bucket: ArmBucket,
    last: Publication | undefined,
    watermark: number,
    now: number,
  ): boolean {
    if (last === undefined) return true;
    const end = bucket.bucketStart + bucket.bucketMs;
    const mature = end + bucket.maturityMs;
    if (last.watermark < end && end <= watermark) return true;
    if (last.watermark < mature && mature <= watermark) return true;
    const { openIntervalMs, closedIntervalMs } = this.publishing;
    const closed = closedIntervalMs ?? Math.max(bucket.bucketMs, bucket.maturityMs / 30);
    const interval = end > watermark ? openIntervalMs : closed;
    return now - last.at >= interval;
  }

  private source(watermark: number) {
    return {
      partition: this.options.partition,
      partitions: this.options.partitions,
      watermark: Number.isFinite(watermark) ? watermark : 0,
    };
  }

  /**
   * Routing keys counted as units since the last call: the shell stores them durably with the
   * commit (the evaluator: in its changelog) and gives them back through `restoreUnit`.
   */
  drainUnits(): CountedUnit[] {
    return this.units.drain();
  }

  /** A unit counted before a restart, as `drainUnits` gave it (restore, before any input). */
  restoreUnit(unit: CountedUnit): void {
    this.units.restore(unit);
  }

  /** The key each record of `checkpoint` is written under. */
  static keyOf(record: ArmEvidence): string {
    return record.rolloutId === ''
      ? watermarkKey(record.sourcePartition)
      : bucketKey(record, record.bucketStart, record.sourcePartition);
  }

  private raise(topic: string, time: number): void {
    const current = this.topicWatermarks.get(topic);
    if (current === undefined || time <= current) return;
    this.topicWatermarks.set(topic, time);
    let lowest = Number.POSITIVE_INFINITY;
    for (const value of this.topicWatermarks.values()) if (value < lowest) lowest = value;
    if (lowest > this.watermark) this.watermark = lowest;
  }

  private bucketOf(
    input: Omit<ArmId, 'rolloutId' | 'model'> & { readonly rolloutId: string | null },
    time: number,
  ): ArmBucket | Exclude<FoldOutcome, 'folded'> {
    const { rolloutId } = input;
    if (rolloutId === null) return this.skip(FoldOutcome.NO_ROLLOUT);
    const terms = this.options.terms(rolloutId);
    if (terms === undefined) return this.skip(FoldOutcome.UNKNOWN_ROLLOUT);
    if (time < terms.startedAt) return this.skip(FoldOutcome.BEFORE_START);
    const start = bucketStartOf(time, terms.bucketMs);
    const { variant, role, served } = input;
    const recent = this.recent.find({ rolloutId, variant, role, served, start });
    if (recent !== undefined) {
      this.changed.add(recent.key);
      this.unpublished.add(recent.key);
      return recent.bucket;
    }
    const arm: ArmId = { rolloutId, model: terms.model, variant, role, served };
    const key = bucketKey(arm, start, this.options.partition);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new ArmBucket(
        arm,
        start,
        terms.bucketMs,
        terms.maturityMs,
        this.options.relativeAccuracy,
      );
      this.buckets.set(key, bucket);
    }
    this.recent.remember({ rolloutId, variant, role, served, start, key, bucket });
    this.changed.add(key);
    this.unpublished.add(key);
    return bucket;
  }

  private skip(outcome: Exclude<FoldOutcome, 'folded'>): Exclude<FoldOutcome, 'folded'> {
    this.skipped[outcome] += 1;
    return outcome;
  }
}

const shadowArm = (pair: { rolloutId: string; shadowVariant: string }) => ({
  rolloutId: pair.rolloutId,
  variant: pair.shadowVariant,
  role: 'SHADOW' as const,
  served: false,
});

function watermarkRecord(
  source: { partition: number; partitions: number; watermark: number },
  now: number,
): ArmEvidence {
  return {
    sourcePartition: source.partition,
    sourcePartitions: source.partitions,
    watermark: source.watermark,
    rolloutId: '',
    model: '',
    variant: '',
    role: 'STABLE',
    served: true,
    bucketStart: 0,
    bucketMs: 1,
    maturityMs: 0,
    ...emptyArmCounts(),
    means: [],
    segments: [],
    latencyAccuracy: 0.01,
    latencyZeros: 0,
    latencyBins: [],
    updatedAt: now,
  };
}
