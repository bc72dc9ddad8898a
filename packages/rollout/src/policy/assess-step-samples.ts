/**
 * The step minimum: fresh mature labelled samples per arm gathered in the current window (step
 * start, resume or manual weight change). The accuracy and guardrail tests run over the whole
 * comparison, so a later step would otherwise pass the moment it began; the minimum makes every
 * step collect its own evidence at its own weight (load-dependent faults show up only there).
 * With maturity on, a step also lasts at least one maturity window.
 */
import { MetricOutcome, type MetricEvidence } from '@kanary/contracts';
import { metricEvidence } from './metric-evidence.js';
import type { WindowCounts } from './observations.js';
import type { Policy } from './policy-schema.js';

export function assessStepSamples(
  window: WindowCounts,
  shadow: boolean,
  policy: Policy,
): MetricEvidence {
  const needed = policy.minSamplesPerStep;
  const n = shadow
    ? { stable: window.pairs.nPairs, canary: window.pairs.nPairs }
    : { stable: window.stable.labelled, canary: window.canary.labelled };
  const have = Math.min(n.stable, n.canary);
  const unit = shadow ? 'labelled shadow pairs' : 'mature labelled samples per arm';
  const outcome = have >= needed ? MetricOutcome.PASS : MetricOutcome.INCONCLUSIVE;
  return metricEvidence(
    'stepSamples',
    outcome,
    n,
    { threshold: needed },
    `${have} of ${needed} ${unit} in this step`,
  );
}
