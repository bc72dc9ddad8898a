import {
  MeanMetric,
  momentsOf,
  type ArmSums,
  type MeanMoments,
  type SourceProgress,
} from '@kanary/evidence';
import { armRole, type ArmRole } from './arm-role.js';
import type { ArmSeries } from './evidence-series.js';

/** One slot of an arm's evidence as the JSON API serves it. */
export interface EvidenceSlotJson {
  /** Epoch ms, event time: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly mature: boolean;
  readonly routed: number;
  readonly labelled: number;
  readonly correct: number;
  readonly errors: number;
  readonly lateLabels: number;
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly latencyP99: number | null;
  /**
   * Moments of the slot's mean-based metrics by metric (`absError`, `squaredError`, `logLoss`,
   * `brier`, `outcome:<name>`; those its evaluations carried): n, sum and sum of squares, which
   * add across slots (a mean over several slots is Σsum ÷ Σn).
   */
  readonly means: Readonly<Record<string, MeanMoments>>;
}

/** A rollout's evidence as the JSON API serves it. */
export interface EvidenceJson {
  /** Source partitions of the data topics (0 before any evidence). */
  readonly partitions: number;
  /** Each source partition's watermark, epoch ms, by partition number. */
  readonly watermarks: Readonly<Record<string, number>>;
  /** The lowest of them; null while a partition has none. */
  readonly low: number | null;
  readonly arms: ReadonlyArray<{
    readonly variant: string;
    readonly role: ArmRole;
    readonly served: boolean;
    readonly slots: readonly EvidenceSlotJson[];
  }>;
}

/** Every metric `slot` holds moments of, absError (kept in its counts) first. */
function slotMeans(slot: ArmSums): Record<string, MeanMoments> {
  const metrics = [MeanMetric.ABS_ERROR, ...[...slot.means.keys()].sort()];
  const means: Record<string, MeanMoments> = {};
  for (const metric of metrics) {
    const { n, sum, squares } = momentsOf(slot, metric);
    if (n > 0) means[metric] = { n, sum, squares };
  }
  return means;
}

export function evidenceJson(progress: SourceProgress, series: readonly ArmSeries[]): EvidenceJson {
  return {
    partitions: progress.partitions,
    watermarks: Object.fromEntries(progress.watermarks),
    low: progress.low,
    arms: series.map(({ arm, slots }) => ({
      variant: arm.variant,
      role: armRole(arm.role),
      served: arm.served,
      slots: slots.map((slot) => {
        const { start, end, mature, counts, latency } = slot;
        return {
          start,
          end,
          mature,
          routed: counts.routed,
          labelled: counts.labelled,
          correct: counts.correct,
          errors: counts.errors,
          lateLabels: counts.lateLabels,
          latencyP50: latency.quantile(0.5),
          latencyP95: latency.quantile(0.95),
          latencyP99: latency.quantile(0.99),
          means: slotMeans(slot),
        };
      }),
    })),
  };
}
