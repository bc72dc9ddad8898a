// Label-free early signal for shadow mode. For exact-match classification (correct ⇔ output ==
// label) a request on which the two variants agree is either right for both or wrong for both,
// so the accuracies can differ only on requests where they disagree:
//
//   |acc_canary − acc_stable| = |P(10) − P(01)| ≤ P(10) + P(01) ≤ P(disagree).
//
// An always-valid upper bound on P(disagree) below the non-inferiority margin δ therefore proves
// acc_canary − acc_stable > −δ before a single label has arrived (and also bounds any improvement
// by δ). The bound is the exact beta-binomial confidence sequence (proportion-cs.ts), which stays
// honest for the small disagreement rates this is useful for.
//
// Assumption: correctness is exact equality of the output with the label (classification,
// ranking top-1). For numeric outputs judged by a tolerance, or metrics that are not per-request
// correctness, the inequality does not hold and this signal must not be used.
import { type DisagreementCounts } from './counters.js';
import { proportionCS } from './proportion-cs.js';
import { type ConfidenceSequence } from './types.js';
import { assertAtMost, assertCount, assertOpenUnit } from './validate.js';

/** Options of {@link disagreementNonInferiority}. */
export interface DisagreementOptions {
  /** Non-inferiority margin δ on accuracy, in proportion points (0.01 = one point), in (0, 1). */
  readonly margin: number;
  /** Error level. @default 0.05 */
  readonly alpha?: number;
  /** Planned number of pairs at which the bound should be tightest. */
  readonly planN: number;
}

/** Result of {@link disagreementNonInferiority}. */
export interface DisagreementResult {
  /** Confidence sequence for P(the two variants' outputs differ). */
  readonly disagreement: ConfidenceSequence;
  readonly margin: number;
  /** Always-valid p-value for H0: P(disagree) ≥ margin (one-sided). */
  readonly pValue: number;
  /** disagreement.upper < margin: non-inferiority (and |Δ accuracy| < margin) is proven. */
  readonly nonInferior: boolean;
}

/**
 * Always-valid upper bound on the disagreement rate between canary and stable outputs, and
 * whether it proves accuracy non-inferiority at `margin` without labels (see module comment).
 */
export function disagreementNonInferiority(
  counts: DisagreementCounts,
  options: DisagreementOptions,
): DisagreementResult {
  assertCount('nPairs', counts.nPairs);
  assertCount('nDisagree', counts.nDisagree);
  assertAtMost('nDisagree', counts.nDisagree, 'nPairs', counts.nPairs);
  assertOpenUnit('margin', options.margin);
  const disagreement = proportionCS(
    { successes: counts.nDisagree, total: counts.nPairs },
    { alpha: options.alpha, planN: options.planN, nullProportion: options.margin },
  );
  return {
    disagreement,
    margin: options.margin,
    // As in latency-exceedance.ts: evidence against p = margin bounds that against all p ≥ margin.
    pValue: disagreement.estimate < options.margin ? disagreement.pValue : 1,
    nonInferior: disagreement.upper < options.margin,
  };
}
