import {
  addArmSums,
  armKey,
  emptyArmSums,
  LatencySketch,
  type ArmBucket,
  type ArmId,
  type ArmSums,
} from '@kanary/evidence';
import { compareArms } from './arm-role.js';
import { isMature } from './label-progress.js';

/**
 * One arm's evidence over one stretch of event time, summed over every source partition: counts,
 * mean-based metrics and segments (`ArmSums`) and latency.
 */
export interface EvidenceSlot extends ArmSums {
  /** Epoch ms, event time: the slot holds the buckets in [start, end). */
  readonly start: number;
  readonly end: number;
  /** Latencies of the evaluations labelled within the window. */
  readonly latency: LatencySketch;
  /** True when every bucket in it is mature (see `isMature`). */
  readonly mature: boolean;
}

/** One arm's slots, oldest first. */
export interface ArmSeries {
  readonly arm: ArmId;
  readonly slots: readonly EvidenceSlot[];
}

interface MutableSlot extends ArmSums {
  start: number;
  latency: LatencySketch;
  mature: boolean;
}

/**
 * The slot width for buckets spanning [first, last + width): the widest bucket width times the
 * smallest whole factor that leaves at most `maxSlots` slots. Bucket widths divide each other
 * (see `bucketWidthMs`), so every bucket lies within one slot and slots sum buckets exactly.
 */
function slotWidth(buckets: readonly ArmBucket[], maxSlots: number): number {
  let width = 1;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const b of buckets) {
    width = Math.max(width, b.bucketMs);
    first = Math.min(first, b.bucketStart);
    last = Math.max(last, b.bucketStart);
  }
  const widths = Math.floor(last / width) - Math.floor(first / width) + 1;
  // One slot fewer than allowed: aligning slots to multiples of their width can add one.
  return width * Math.max(1, Math.ceil(widths / Math.max(1, maxSlots - 1)));
}

/**
 * Each arm's evidence of a rollout over event time: the buckets of every source partition summed
 * per arm and per slot, a slot being one bucket width, or a whole multiple of it when the rollout
 * has more buckets than `maxSlots` (a long rollout keeps its whole span at a coarser step). The
 * counts are exact at any step; only the time resolution changes.
 */
export function evidenceSeries(
  buckets: Iterable<ArmBucket>,
  options: { readonly low: number | null; readonly maxSlots: number },
): ArmSeries[] {
  const all = [...buckets];
  if (all.length === 0) return [];
  const width = slotWidth(all, options.maxSlots);
  const arms = new Map<string, { arm: ArmId; slots: Map<number, MutableSlot> }>();
  for (const bucket of all) {
    const key = armKey(bucket.arm);
    let arm = arms.get(key);
    if (arm === undefined) {
      arm = { arm: bucket.arm, slots: new Map() };
      arms.set(key, arm);
    }
    const start = Math.floor(bucket.bucketStart / width) * width;
    let slot = arm.slots.get(start);
    if (slot === undefined) {
      slot = {
        start,
        ...emptyArmSums(),
        latency: new LatencySketch(bucket.latency.relativeAccuracy),
        mature: true,
      };
      arm.slots.set(start, slot);
    }
    addArmSums(slot, bucket);
    slot.latency.merge(bucket.latency);
    slot.mature &&= isMature(bucket, options.low);
  }
  return [...arms.values()]
    .sort((a, b) => compareArms(a.arm, b.arm))
    .map(({ arm, slots }) => ({
      arm,
      slots: [...slots.values()]
        .sort((a, b) => a.start - b.start)
        .map((s) => ({ ...s, end: s.start + width })),
    }));
}
