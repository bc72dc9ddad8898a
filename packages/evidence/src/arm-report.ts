/**
 * Plain numbers of one arm summed over all of its evidence (every bucket, mature or not): what a
 * status page or `kanary rollout status --json` shows. The decision judges only mature buckets;
 * these are the counts so far.
 */
import type { Role } from '@kanary/contracts';
import type { ArmTotals } from './evidence-book.js';

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
  readonly meanAbsError: number | null;
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly latencyP99: number | null;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function armReport({ arm, counts, latency }: ArmTotals): ArmReport {
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
    meanAbsError: ratio(counts.absErrorSum, counts.numeric),
    latencyP50: latency.quantile(0.5),
    latencyP95: latency.quantile(0.95),
    latencyP99: latency.quantile(0.99),
  };
}
