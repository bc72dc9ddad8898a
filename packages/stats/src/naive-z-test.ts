// The textbook fixed-horizon two-proportion z-test. It is valid for ONE look at a sample size
// fixed in advance; re-running it after every batch and stopping at the first p < α inflates the
// false-rejection rate far above α (Armitage, McPherson & Rowe 1969; Johari et al. 2017 §2). It is
// exported only so simulations and documentation can show that inflation next to the
// always-valid test; the rollout policy must not use it.
import { normalQuantile, normalSf } from './distributions.js';
import { type TwoArmCounts } from './types.js';
import { validateProportion } from './proportion-math.js';
import { assertOpenUnit } from './validate.js';

/** Result of {@link naiveZTest}. */
export interface NaiveZTestResult {
  /** p̂_canary − p̂_stable. */
  readonly estimate: number;
  /** z statistic with the pooled standard error (the usual test of H0: Δ = 0). */
  readonly z: number;
  /** Two-sided fixed-horizon p-value 2·(1 − Φ(|z|)); NOT valid under repeated looks. */
  readonly pValue: number;
  /** Fixed-horizon Wald interval (unpooled standard error). */
  readonly lower: number;
  readonly upper: number;
  /** pValue < alpha. */
  readonly reject: boolean;
}

/**
 * Fixed-horizon two-sided two-proportion z-test of H0: p_canary = p_stable (pooled variance) with a
 * Wald interval. For comparison only — see the module comment.
 *
 * @param options.alpha - significance level for `reject` and the interval. @default 0.05
 */
export function naiveZTest(
  counts: TwoArmCounts,
  options: { readonly alpha?: number } = {},
): NaiveZTestResult {
  const { stable, canary } = counts;
  validateProportion('stable', stable);
  validateProportion('canary', canary);
  const alpha = options.alpha ?? 0.05;
  assertOpenUnit('alpha', alpha);
  if (stable.total === 0 || canary.total === 0) {
    return { estimate: 0, z: 0, pValue: 1, lower: -1, upper: 1, reject: false };
  }
  const pS = stable.successes / stable.total;
  const pC = canary.successes / canary.total;
  const estimate = pC - pS;
  const pooled = (stable.successes + canary.successes) / (stable.total + canary.total);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / stable.total + 1 / canary.total));
  const z = pooledSe > 0 ? estimate / pooledSe : 0;
  const pValue = Math.min(1, 2 * normalSf(Math.abs(z)));
  const waldSe = Math.sqrt((pS * (1 - pS)) / stable.total + (pC * (1 - pC)) / canary.total);
  const zCrit = normalQuantile(1 - alpha / 2);
  return {
    estimate,
    z,
    pValue,
    lower: Math.max(-1, estimate - zCrit * waldSe),
    upper: Math.min(1, estimate + zCrit * waldSe),
    reject: pValue < alpha,
  };
}
