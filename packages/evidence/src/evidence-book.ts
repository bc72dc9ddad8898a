/**
 * The reader's side of the evidence topic: the latest record of every key (as a compacted topic
 * holds them), merged on demand. Any number of evaluator instances and any rebalance give the
 * same merged numbers, because every source partition's buckets are counted once, from the one
 * record that partition last committed.
 */
import type { ArmEvidence } from '@kanary/contracts';
import { ArmBucket, addArmSums, emptyArmSums, type ArmSums } from './arm-bucket.js';
import { armKey, type ArmId } from './evidence-key.js';
import { EvidenceFolder } from './evidence-folder.js';
import { LatencySketch } from './latency-sketch.js';

/**
 * One arm of a rollout summed over every bucket and source partition: counts, mean-based
 * metrics (`momentsOf`), segments and latency.
 */
export interface ArmTotals extends ArmSums {
  readonly arm: ArmId;
  readonly latency: LatencySketch;
}

/** The source partitions' progress, as far as their records tell. */
export interface SourceProgress {
  /** Partitions of the data topics (from the records; 0 before any record). */
  readonly partitions: number;
  /** Watermark per source partition that has written one, epoch ms. */
  readonly watermarks: ReadonlyMap<number, number>;
  /** The lowest watermark over every partition; null while a partition has none. */
  readonly low: number | null;
}

export class EvidenceBook {
  /**
   * Per rollout, the latest record of each key, as read (`ArmEvidence`) until first asked for
   * and then as an `ArmBucket`. Rebuilding a bucket's latency sketch is most of a record's cost,
   * and a topic the log cleaner has not compacted yet holds many versions of each key: only the
   * version still current when the buckets are read is ever rebuilt.
   */
  private readonly rollouts = new Map<string, Map<string, ArmBucket | ArmEvidence>>();
  private readonly watermarks = new Map<number, number>();
  private partitions = 0;

  /** Applies one record of the evidence topic (in log order per partition; later ones win). */
  apply(record: ArmEvidence): void {
    const { sourcePartition, watermark } = record;
    if (watermark > (this.watermarks.get(sourcePartition) ?? Number.NEGATIVE_INFINITY)) {
      this.watermarks.set(sourcePartition, watermark);
    }
    this.partitions = Math.max(this.partitions, record.sourcePartitions);
    if (record.rolloutId === '') return;
    let buckets = this.rollouts.get(record.rolloutId);
    if (buckets === undefined) {
      buckets = new Map();
      this.rollouts.set(record.rolloutId, buckets);
    }
    buckets.set(EvidenceFolder.keyOf(record), record);
  }

  progress(): SourceProgress {
    let low: number | null = this.partitions > 0 ? Number.POSITIVE_INFINITY : null;
    for (let p = 0; p < this.partitions && low !== null; p += 1) {
      const watermark = this.watermarks.get(p);
      low = watermark === undefined ? null : Math.min(low, watermark);
    }
    return { partitions: this.partitions, watermarks: new Map(this.watermarks), low };
  }

  /** Every bucket of a rollout, all arms and source partitions. */
  buckets(rolloutId: string): ArmBucket[] {
    const buckets = this.rollouts.get(rolloutId);
    if (buckets === undefined) return [];
    const out: ArmBucket[] = [];
    for (const [key, entry] of buckets) {
      if (entry instanceof ArmBucket) {
        out.push(entry);
      } else {
        const bucket = ArmBucket.fromRecord(entry);
        buckets.set(key, bucket);
        out.push(bucket);
      }
    }
    return out;
  }

  /** Rollouts with evidence. */
  rolloutIds(): string[] {
    return [...this.rollouts.keys()].sort();
  }

  /** Each arm of a rollout summed over all of its evidence, in arm-key order. */
  armTotals(rolloutId: string): ArmTotals[] {
    const arms = new Map<string, ArmTotals>();
    for (const bucket of this.buckets(rolloutId)) {
      const key = armKey(bucket.arm);
      let totals = arms.get(key);
      if (totals === undefined) {
        totals = {
          arm: bucket.arm,
          ...emptyArmSums(),
          latency: new LatencySketch(bucket.latency.relativeAccuracy),
        };
        arms.set(key, totals);
      }
      addArmSums(totals, bucket);
      totals.latency.merge(bucket.latency);
    }
    return [...arms.keys()].sort().map((key) => arms.get(key) as ArmTotals);
  }
}
