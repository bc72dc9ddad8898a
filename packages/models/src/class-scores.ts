import type { ClassScores } from './backend.js';

/**
 * How far from 1 the probabilities a model gives may sum before they are judged not to be
 * probabilities at all (logits, one-hot votes of several models, a misconfigured output): float
 * rounding and FP32 softmax outputs stay well within it. What passes is normalised to sum to 1,
 * so the Prediction record always meets its own, equal, tolerance.
 */
export const PROBABILITY_SUM_TOLERANCE = 0.01;

/** A sum this close to 1 is 1 up to the rounding of adding doubles. */
const EXACT_SUM = 1e-12;

export type ClassScoresResult =
  | { readonly ok: true; readonly scores: ClassScores }
  | { readonly ok: false; readonly error: string };

/**
 * The probabilities `values[i]` of `classes[i]` as a map, normalised to sum to 1; or why
 * they are not the probabilities of those classes (a count that differs, a value that is not a
 * number in [0, 1], a sum away from 1). Pure; `what` names the values in the error.
 */
export function classScores(
  classes: readonly string[],
  values: readonly unknown[],
  what: string,
): ClassScoresResult {
  if (values.length !== classes.length) {
    return {
      ok: false,
      error: `${what} has ${values.length} probabilities for ${classes.length} classes`,
    };
  }
  let sum = 0;
  for (const [i, value] of values.entries()) {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
      return {
        ok: false,
        error: `${what}: the probability of ${classes[i]} is ${shown}, not a number in [0, 1]`,
      };
    }
    sum += value;
  }
  if (!(Math.abs(sum - 1) <= PROBABILITY_SUM_TOLERANCE)) {
    return { ok: false, error: `${what} sums to ${sum}, not 1: they are not probabilities` };
  }
  // Probabilities whose sum is 1 up to double rounding are kept as given; others are rescaled.
  const scale = Math.abs(sum - 1) <= EXACT_SUM ? 1 : sum;
  // Object.fromEntries defines own properties, so a class named `__proto__` stays a class.
  return {
    ok: true,
    scores: Object.fromEntries(classes.map((c, i) => [c, (values[i] as number) / scale])),
  };
}

/** The class with the highest probability (the first of equals), or undefined for no classes. */
export function mostLikelyClass(scores: ClassScores): string | undefined {
  let best: string | undefined;
  let bestP = -Infinity;
  for (const [c, p] of Object.entries(scores)) {
    if (p > bestP) {
      best = c;
      bestP = p;
    }
  }
  return best;
}
