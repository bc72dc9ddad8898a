/**
 * Mean-based metrics as mergeable moments: per metric the count, the sum and the sum of squares
 * of its per-evaluation values, which add across buckets and partitions and give the mean and
 * the variance a confidence sequence for a difference of means needs.
 *
 * Metrics: `squaredError` (absError²), `logLoss`, `brier`, and `outcome:<name>` for each named
 * outcome a label carries. The absolute error of an arm's bucket stays in its original counts
 * (`numeric`, `absErrorSum`, `absErrorSquares`, read by older readers); {@link momentsOf} reads
 * it from there, so readers ask for every metric alike. A segment's moments hold absError too.
 */
import type { ArmEvidence, Evaluation } from '@kanary/contracts';
import { OUTCOME_PREFIX } from '@kanary/rollout';

/** One metric's moments on the wire. */
type MeanEvidence = ArmEvidence['means'][number];

/** Names of the mean-based metrics an evaluation gives (outcomes: {@link outcomeMetric}). */
export const MeanMetric = {
  ABS_ERROR: 'absError',
  SQUARED_ERROR: 'squaredError',
  LOG_LOSS: 'logLoss',
  BRIER: 'brier',
} as const;
export type MeanMetric = (typeof MeanMetric)[keyof typeof MeanMetric];

/** The metric of a label's named outcome. */
export const outcomeMetric = (name: string): string => OUTCOME_PREFIX + name;

/** The outcome name of an {@link outcomeMetric}, or undefined for any other metric. */
export function outcomeName(metric: string): string | undefined {
  return metric.startsWith(OUTCOME_PREFIX) ? metric.slice(OUTCOME_PREFIX.length) : undefined;
}

/** Count, sum and sum of squares of one metric's values; mutable, folded in place. */
export interface Moments {
  n: number;
  sum: number;
  squares: number;
}

/** Moments as a reader gets them. */
export type MeanMoments = Readonly<Moments>;

const NONE: MeanMoments = Object.freeze({ n: 0, sum: 0, squares: 0 });

/** The values of an evaluation the means are folded from. */
export type MeanInputs = Pick<Evaluation, 'absError' | 'logLoss' | 'brier' | 'outcomes'>;

/** Adds one value of `metric`. */
export function addMoment(means: Map<string, Moments>, metric: string, value: number): void {
  const m = means.get(metric);
  if (m === undefined) {
    means.set(metric, { n: 1, sum: value, squares: value * value });
    return;
  }
  m.n += 1;
  m.sum += value;
  m.squares += value * value;
}

/**
 * Adds the mean-based metrics of one labelled evaluation: squaredError when it has an absolute
 * error, logLoss and brier when it has them, each outcome of its label; absError itself only
 * when `withAbsError` (an arm bucket keeps it in its counts).
 */
export function addEvaluationMeans(
  means: Map<string, Moments>,
  e: MeanInputs,
  withAbsError: boolean,
): void {
  const { absError, logLoss, brier, outcomes } = e;
  if (absError !== null) {
    if (withAbsError) addMoment(means, MeanMetric.ABS_ERROR, absError);
    addMoment(means, MeanMetric.SQUARED_ERROR, absError * absError);
  }
  if (logLoss !== null) addMoment(means, MeanMetric.LOG_LOSS, logLoss);
  if (brier !== null) addMoment(means, MeanMetric.BRIER, brier);
  if (outcomes !== null) {
    for (const name of Object.keys(outcomes)) {
      addMoment(means, outcomeMetric(name), outcomes[name] as number);
    }
  }
}

/** Adds every metric of `from` into `into`. */
export function addMeans(into: Map<string, Moments>, from: ReadonlyMap<string, MeanMoments>): void {
  for (const [metric, m] of from) addMoments(into, metric, m);
}

/** Adds the moments `m` of one metric into `into`. */
export function addMoments(into: Map<string, Moments>, metric: string, m: MeanMoments): void {
  const target = into.get(metric);
  if (target === undefined) {
    into.set(metric, { n: m.n, sum: m.sum, squares: m.squares });
  } else {
    target.n += m.n;
    target.sum += m.sum;
    target.squares += m.squares;
  }
}

/** The wire form: one entry per metric, sorted by metric (the same state, the same record). */
export function meansRecord(means: ReadonlyMap<string, MeanMoments>): MeanEvidence[] {
  return [...means.keys()].sort().map((metric) => {
    const { n, sum, squares } = means.get(metric) as MeanMoments;
    return { metric, n, sum, squares };
  });
}

/** The moments of a wire form (a record of an older writer has none). */
export function meansFromRecord(records: readonly MeanEvidence[] = []): Map<string, Moments> {
  const means = new Map<string, Moments>();
  for (const { metric, n, sum, squares } of records) means.set(metric, { n, sum, squares });
  return means;
}

/** What holds moments: a segment, or an arm's bucket or totals with absError in its counts. */
export interface MomentsSource {
  readonly means: ReadonlyMap<string, MeanMoments>;
  readonly counts?: {
    readonly numeric: number;
    readonly absErrorSum: number;
    readonly absErrorSquares: number;
  };
}

/**
 * The moments of `metric` (a {@link MeanMetric} or an {@link outcomeMetric}); zeros when nothing
 * carried it. absError of an arm comes from its counts.
 */
export function momentsOf(source: MomentsSource, metric: string): MeanMoments {
  const counts = source.counts;
  if (metric === MeanMetric.ABS_ERROR && counts !== undefined) {
    return { n: counts.numeric, sum: counts.absErrorSum, squares: counts.absErrorSquares };
  }
  return source.means.get(metric) ?? NONE;
}
