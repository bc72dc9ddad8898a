import { proportionCS } from '@kanary/stats';

/**
 * The always-valid 95 % interval of one arm's accuracy (a beta-binomial confidence sequence),
 * so an interval watched over time, in the terminal or in the report, keeps its coverage however
 * often it is looked at — the same family of intervals the decision service judges with. Takes
 * any counts of labelled and correct samples: a metrics snapshot, or merged evidence.
 */
export function accuracyInterval(m: {
  readonly labelled: number;
  readonly correct: number;
}): { lower: number; upper: number } | null {
  if (m.labelled === 0) return null;
  const cs = proportionCS(
    { successes: m.correct, total: m.labelled },
    { alpha: 0.05, planN: 1_000 },
  );
  return { lower: cs.lower, upper: cs.upper };
}
