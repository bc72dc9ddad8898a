/**
 * Mean-based metrics — MAE, RMSE (tested on the mean squared error), log-loss, Brier score and
 * named outcomes — judged on the difference of the two arms' means with the always-valid
 * asymptotic confidence sequence of @kanary/stats (`meanDifferenceCS`: Waudby-Smith et al. 2024,
 * time-uniform central limit theory), which needs only each arm's count, sum and sum of squares —
 * exactly what the evidence keeps per bucket and partition.
 *
 * Every test is oriented as a loss: a metric that is better when higher is negated first, so
 * "worse" is always "larger". With a relative margin m the hypothesis "canary worse than the
 * stable by more than m" is θ = μ_canary − (1 ± m)·μ_stable > 0 (1 + m for losses, 1 − m for
 * negated gains), tested exactly as a linear combination of the two means; with an absolute
 * margin it is μ_canary − μ_stable > m. Relative margins assume the stable's mean is positive
 * (losses always are; an outcome that can be negative needs `relative: false`).
 *
 * - FAIL (roll back) when the harm sequence (at the metric's share of alpha) proves the canary
 *   worse than `harmMargin`.
 * - PASS when the advance sequence (primary metric: at alpha) proves it no worse than `margin`
 *   (0: superiority), or, for a guardrail or a segment, when the harm sequence excludes harm.
 * - Otherwise, and during the burn-in (100 values per arm), INCONCLUSIVE.
 *
 * Heavy tails: with a small canary share, a skewed loss looks better than it is until its tail
 * shows (@kanary/stats README: clipped log-loss misses ~10 % at a 1 % share with a burn-in of 100,
 * always as "canary better"). That direction never causes a false ROLLBACK, only a premature
 * PASS, so the advance rule of log-loss waits for 2,000 values per arm (Cochran's rule 25·γ₁²
 * for its skewness ≈ 8.8; 1.45 % misses measured at a 5 % share).
 */
import { MetricOutcome, type MetricEvidence } from '@kanary/contracts';
import {
  meanDifferenceCS,
  meanOf,
  type MeanMoments,
  type NormalConfidenceSequence,
} from '@kanary/stats';
import { confidence, metricEvidence } from './metric-evidence.js';
import type { MeanCounts, SegmentCounts } from './observations.js';
import { MetricName } from './scorecard-schema.js';
import { momentsOf, type MetricSpec } from './scorecard.js';

/** Values per arm before log-loss may prove a canary no worse (see the heavy-tails note). */
const LOG_LOSS_ADVANCE_BURN_IN = 2_000;

/** Which rule makes a PASS: the primary's advance rule, or "no harm" (guardrails, segments). */
export type MeanRole = 'primary' | 'guardrail';

interface Arms {
  readonly stable: { readonly means?: MeanCounts } | SegmentCounts;
  readonly canary: { readonly means?: MeanCounts } | SegmentCounts;
}

const negate = (m: MeanMoments): MeanMoments => ({ n: m.n, sum: -m.sum, squares: m.squares });

/** A value for people: 3 significant digits. */
const shown = (value: number): string => Number(value.toPrecision(3)).toString();
const signed = (value: number): string => `${value > 0 ? '+' : ''}${shown(value)}`;

/** The metric's value from its moments: the mean, or its root for RMSE. */
function valueOf(metric: string, moments: MeanMoments): number | null {
  const mean = meanOf(moments);
  return mean === null ? null : metric === MetricName.RMSE ? Math.sqrt(Math.max(mean, 0)) : mean;
}

/** RMSE is tested on the MSE: a relative margin m on the root is (1 + m)² − 1 on the square. */
function squaredScale(metric: string, margin: number, relative: boolean): number {
  return metric === MetricName.RMSE && relative ? (1 + margin) * (1 + margin) - 1 : margin;
}

export function assessMean(
  spec: MetricSpec,
  arms: Arms,
  options: {
    readonly role: MeanRole;
    /** Level of the primary's advance rule. */
    readonly alpha: number;
    readonly planN: { readonly stable: number; readonly canary: number };
    readonly segment?: string | null;
  },
): MetricEvidence {
  const { metric, relative } = spec;
  const segment = options.segment ?? null;
  const raw = { stable: momentsOf(arms.stable, metric), canary: momentsOf(arms.canary, metric) };
  const gain = spec.better === 'higher';
  const oriented = gain ? { stable: negate(raw.stable), canary: negate(raw.canary) } : raw;
  const n = { stable: raw.stable.n, canary: raw.canary.n };
  const harm = squaredScale(metric, spec.harmMargin, relative);
  const margin = squaredScale(metric, spec.margin, relative);
  // θ = μc − f·μs (oriented as a loss); worse than `m` ⇔ θ > 0 (relative) or θ > m (absolute).
  const sequence = (m: number, alpha: number, minPerArm?: number): NormalConfidenceSequence =>
    meanDifferenceCS(oriented, {
      alpha,
      planN: options.planN,
      minPerArm,
      stableFactor: relative ? (gain ? 1 - m : 1 + m) : 1,
      nullDifference: relative ? 0 : m,
    });
  const limit = (m: number): number => (relative ? 0 : m);
  const harmCs = sequence(harm, spec.harmAlpha);
  const plain = meanDifferenceCS(raw, { alpha: spec.harmAlpha, planN: options.planN });

  const stableValue = valueOf(metric, raw.stable);
  const canaryValue = valueOf(metric, raw.canary);
  const numbers = {
    estimateStable: stableValue,
    estimateCanary: canaryValue,
    difference: stableValue !== null && canaryValue !== null ? canaryValue - stableValue : null,
    lower: plain.reliable ? plain.lower : null,
    upper: plain.reliable ? plain.upper : null,
    pValue: harmCs.pValue,
    threshold: relative ? spec.harmMargin : harm,
  };
  const where = segment === null ? '' : ` in segment ${segment}`;
  const unit = metric === MetricName.RMSE ? ' (interval of the mean squared error)' : '';
  const change =
    stableValue !== null && canaryValue !== null && stableValue !== 0
      ? ` (${signed(((canaryValue - stableValue) / Math.abs(stableValue)) * 100)} %)`
      : '';
  const reading = `${metric} canary ${canaryValue === null ? '–' : shown(canaryValue)} vs stable ${stableValue === null ? '–' : shown(stableValue)}${where}${change}`;
  const worse = gain ? 'lower' : 'higher';
  const allowed = (m: number) =>
    relative ? `${shown(m * 100)} % ${worse}` : `${shown(m)} ${worse}`;
  const evidence = (outcome: MetricOutcome, detail: string) =>
    metricEvidence(metric, outcome, n, numbers, `${reading}; ${detail}`, segment);

  if (!harmCs.reliable) {
    return evidence(
      MetricOutcome.INCONCLUSIVE,
      'needs at least 100 mature labelled values per arm',
    );
  }
  const interval = `${confidence(spec.harmAlpha)} always-valid interval of the difference ${signed(plain.lower)} to ${signed(plain.upper)}${unit}`;
  if (harmCs.lower > limit(harm)) {
    return evidence(
      MetricOutcome.FAIL,
      `${interval}: proven ${spec.harmMargin === 0 ? worse : `more than ${allowed(spec.harmMargin)}`} than the stable — the canary is worse${where}`,
    );
  }
  if (options.role === 'guardrail') {
    return harmCs.upper <= limit(harm)
      ? evidence(MetricOutcome.PASS, `${interval}: not worse than ${allowed(spec.harmMargin)}`)
      : evidence(MetricOutcome.INCONCLUSIVE, `${interval}: harm not excluded yet`);
  }
  const advance = sequence(
    margin,
    options.alpha,
    metric === MetricName.LOG_LOSS ? LOG_LOSS_ADVANCE_BURN_IN : undefined,
  );
  const test = spec.margin === 0 ? 'better' : `no more than ${allowed(spec.margin)}`;
  if (advance.upper < limit(margin)) {
    return evidence(MetricOutcome.PASS, `${interval}: proven ${test} than the stable`);
  }
  return evidence(MetricOutcome.INCONCLUSIVE, `${interval}: not yet proven ${test}`);
}
