/**
 * Where the always-valid tests are tuned to be most sensitive. The tuning never affects their
 * validity, but it must stay fixed for the whole rollout (a mixture re-tuned between looks is a
 * different test at every look), so it is derived from the policy alone, never from the data
 * or the current step.
 *
 * Accuracy decisions at the default margins happen around a few thousand labelled canary
 * predictions: proving Δ > −2 points at 85 % accuracy needs ≈ 3,000 canary labels (the
 * always-valid critical z is ≈ 3.0–3.3 over a wide range of n), catching a 5-point drop a few
 * hundred. The tests are therefore tuned for 2,000 canary labels, with the stable arm planned in
 * the proportion of the first step.
 */
import type { Policy } from './policy-schema.js';

/** Canary-side labelled samples the tests are tuned for. */
export const PLANNED_CANARY_SAMPLES = 2_000;

/** Assignment units per window the sequential sample-ratio test is tuned for. */
export const PLANNED_SRM_UNITS = 10_000;

/**
 * Planned per-arm counts of the two-arm tests for this policy, times `scale` (a segment's tests
 * are tuned for a fraction of the whole's samples).
 */
export function twoArmPlan(
  policy: Policy,
  scale = 1,
): { readonly stable: number; readonly canary: number } {
  const firstWeight = policy.steps[0] ?? 0.5;
  const canary = PLANNED_CANARY_SAMPLES * scale;
  return { canary, stable: (canary * (1 - firstWeight)) / firstWeight };
}
