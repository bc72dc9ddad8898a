/**
 * Folds what one source partition of the data topics shows — routed requests and evaluations —
 * into per-(rollout, arm, event-time bucket) evidence, and tracks the partition's watermark.
 * Pure: the shell passes the clock and performs the returned records. One folder per source
 * partition, like the join processor it sits beside (Kafka Streams' task model).
 *
 * Exactly once: `checkpoint()` returns every bucket changed since the previous call (and the
 * watermark, when it moved); the shell writes them to the compacted evidence topic in the same
 * transaction as the consumed offsets, pinned to this partition. A folder restored from that
 * partition's records after any crash continues exactly where the committed state left off.
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
  /** The terms of a known rollout, or undefined. */
  terms(rolloutId: string): RolloutTerms | undefined;
}

/** Counts of inputs not folded, by reason. */
export type FoldSkips = Record<Exclude<FoldOutcome, 'folded'>, number>;

const NOT_YET = Number.NEGATIVE_INFINITY;

export class EvidenceFolder {
  private readonly buckets = new Map<string, ArmBucket>();
  private readonly dirty = new Set<string>();
  private readonly topicWatermarks = new Map<string, number>();
  private watermark = NOT_YET;
  private writtenWatermark = NOT_YET;
  private readonly units: AssignmentUnits;
  readonly skipped: FoldSkips = { noRollout: 0, unknownRollout: 0, beforeStart: 0 };

  constructor(private readonly options: EvidenceFolderOptions) {
    for (const topic of options.inputs) this.topicWatermarks.set(topic, NOT_YET);
    this.units = new AssignmentUnits(options.partition, options.partitions, options.unitKeyLimit);
  }

  /** Applies one record of this partition's evidence (restore, in log order; later ones win). */
  restore(record: ArmEvidence): void {
    if (record.rolloutId !== '') {
      const bucket = ArmBucket.fromRecord(record);
      this.buckets.set(bucketKey(bucket.arm, bucket.bucketStart, this.options.partition), bucket);
    }
    // 0 is how a watermark not yet known is written.
    if (record.watermark > 0 && record.watermark > this.watermark) {
      this.watermark = record.watermark;
      this.writtenWatermark = record.watermark;
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
   * The records to write before the next commit: every bucket changed since the last call, then
   * this partition's watermark record when the watermark moved. Each carries the current
   * watermark.
   */
  checkpoint(now: number): ArmEvidence[] {
    const source = {
      partition: this.options.partition,
      partitions: this.options.partitions,
      watermark: Number.isFinite(this.watermark) ? this.watermark : 0,
    };
    const out: ArmEvidence[] = [];
    for (const key of this.dirty) {
      const bucket = this.buckets.get(key);
      if (bucket !== undefined) out.push(bucket.toRecord(source, now));
    }
    this.dirty.clear();
    if (this.watermark > this.writtenWatermark) {
      out.push(watermarkRecord(source, now));
      this.writtenWatermark = this.watermark;
    }
    return out;
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
    const arm: ArmId = {
      rolloutId,
      model: terms.model,
      variant: input.variant,
      role: input.role,
      served: input.served,
    };
    const start = bucketStartOf(time, terms.bucketMs);
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
    this.dirty.add(key);
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
    latencyAccuracy: 0.01,
    latencyZeros: 0,
    latencyBins: [],
    updatedAt: now,
  };
}
