import { medianOf } from './quantile.js';
import type { Metric } from './results.js';

/** A metric from its repetitions; the median is computed here. */
export function metric(key: string, label: string, unit: string, runs: readonly number[]): Metric {
  return { key, label, unit, runs: [...runs], median: medianOf(runs) };
}

/** The subject compared with a baseline of the same run: ratio of the medians. */
export function against(subject: Metric, baseline: Metric): Metric {
  return {
    ...subject,
    baseline: {
      key: baseline.key,
      median: baseline.median,
      ratio: subject.median / baseline.median,
    },
  };
}

/**
 * Adds a target of the issue: `ratio-at-least` on the ratio to the baseline, the others on the
 * median.
 */
export function withTarget(
  m: Metric,
  kind: 'ratio-at-least' | 'at-least' | 'at-most' | 'below',
  value: number,
  text: string,
): Metric {
  let met: boolean;
  if (kind === 'ratio-at-least') {
    if (m.baseline === undefined) throw new Error(`${m.key}: a ratio target needs a baseline`);
    met = m.baseline.ratio >= value;
  } else if (kind === 'at-least') met = m.median >= value;
  else if (kind === 'at-most') met = m.median <= value;
  else met = m.median < value;
  return { ...m, target: { text, met } };
}

/**
 * The CPU-cost view of a comparison: how many records the subject processes per CPU-second, as
 * a share of the baseline's (baseline µs per record ÷ subject µs per record), per run pair.
 */
export function cpuShare(key: string, label: string, subject: Metric, baseline: Metric): Metric {
  return metric(
    key,
    label,
    '%',
    subject.runs.map((s, i) => (100 * (baseline.runs[i] ?? Number.NaN)) / s),
  );
}
