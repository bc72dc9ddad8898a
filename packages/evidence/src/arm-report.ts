/**
 * Plain numbers of one arm summed over all of its evidence (every bucket, mature or not): what a
 * status page or `kanary rollout status --json` shows. The decision judges only mature buckets;
 * these are the numbers so far.
 */
import type { Role } from '@kanary/contracts';
import type { ArmTotals } from './evidence-book.js';
import { MeanMetric, momentsOf, outcomeName, type MomentsSource } from './mean-moments.js';

/** One segment of an arm (labelled evaluations that carry a segment). */
export interface SegmentReport {
  readonly segment: string;
  readonly labelled: number;
  readonly correct: number;
  readonly accuracy: number | null;
  /** Mean absolute error of the segment's numeric predictions; null without any. */
  readonly mae: number | null;
}

export interface ArmReport {
  readonly variant: string;
  readonly role: Role;
  readonly served: boolean;
  readonly routed: number;
  /** Evaluations labelled within the maturity window. */
  readonly labelled: number;
  readonly correct: number;
  readonly accuracy: number | null;
  readonly errors: number;
  readonly errorRate: number | null;
  /** Evaluations labelled after the maturity window (not in `labelled`). */
  readonly lateLabels: number;
  /** Labelled evaluations of numeric predictions (those with an absolute error). */
  readonly numeric: number;
  /** Mean absolute error (MAE) of numeric predictions; null without any. */
  readonly meanAbsError: number | null;
  /** Root mean squared error of numeric predictions; null without any. */
  readonly rootMeanSquaredError: number | null;
  /** Mean log-loss of predictions with class probabilities; null without any. */
  readonly logLoss: number | null;
  /** Mean Brier score of predictions with class probabilities; null without any. */
  readonly brier: number | null;
  /** Mean of each named outcome the labels carried, by name (sorted); empty without any. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Per segment, most labelled first (ties by name); empty when no evaluation named one. */
  readonly segments: readonly SegmentReport[];
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly latencyP99: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The mean of `metric` over the values `source` holds; null without any. */
function meanOf(source: MomentsSource, metric: string): number | null {
  const { n, sum } = momentsOf(source, metric);
  return ratio(sum, n);
}

function outcomeMeans(totals: ArmTotals): Record<string, number> {
  const outcomes: Record<string, number> = {};
  for (const metric of [...totals.means.keys()].sort()) {
    const name = outcomeName(metric);
    const mean = meanOf(totals, metric);
    if (name !== undefined && mean !== null) outcomes[name] = mean;
  }
  return outcomes;
}

function segmentReports(totals: ArmTotals): SegmentReport[] {
  return [...totals.segments]
    .map(([segment, s]) => ({
      segment,
      labelled: s.labelled,
      correct: s.correct,
      accuracy: ratio(s.correct, s.labelled),
      mae: meanOf(s, MeanMetric.ABS_ERROR),
    }))
    .sort((a, b) => b.labelled - a.labelled || (a.segment < b.segment ? -1 : 1));
}

export function armReport(totals: ArmTotals): ArmReport {
  const { arm, counts, latency } = totals;
  const meanSquaredError = meanOf(totals, MeanMetric.SQUARED_ERROR);
  return {
    variant: arm.variant,
    role: arm.role,
    served: arm.served,
    routed: counts.routed,
    labelled: counts.labelled,
    correct: counts.correct,
    accuracy: ratio(counts.correct, counts.labelled),
    errors: counts.errors,
    errorRate: ratio(counts.errors, counts.labelled),
    lateLabels: counts.lateLabels,
    numeric: counts.numeric,
    meanAbsError: meanOf(totals, MeanMetric.ABS_ERROR),
    rootMeanSquaredError: meanSquaredError === null ? null : Math.sqrt(meanSquaredError),
    logLoss: meanOf(totals, MeanMetric.LOG_LOSS),
    brier: meanOf(totals, MeanMetric.BRIER),
    outcomes: outcomeMeans(totals),
    segments: segmentReports(totals),
    latencyP50: latency.quantile(0.5),
    latencyP95: latency.quantile(0.95),
    latencyP99: latency.quantile(0.99),
  };
}
