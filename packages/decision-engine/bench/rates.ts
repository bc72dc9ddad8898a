// Rates of simulated runs with exact binomial intervals and what ended them, for the simulation
// scripts' tables.
import type { DecisionReport } from '@kanary/contracts';
import { evidenceLabel } from '@kanary/rollout';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import { quantileSorted } from 'simple-statistics';

/** Exact (Clopper–Pearson) 95 % interval of a binomial proportion k / n. */
export function binomialInterval(k: number, n: number): { lower: number; upper: number } {
  return {
    lower: k === 0 ? 0 : betaQuantile(0.025, k, n - k + 1),
    upper: k === n ? 1 : betaQuantile(0.975, k + 1, n - k),
  };
}

/** "12.3 % (8.1–17.6)": k / n with its 95 % interval. */
export const rate = (k: number, n: number): string => {
  const { lower, upper } = binomialInterval(k, n);
  const pc = (x: number) => (100 * x).toFixed(1);
  return `${pc(k / n)} % (${pc(lower)}–${pc(upper)})`;
};

/** "4.2 (7.9)": the median and 90th percentile of values. */
export const medianP90 = (values: number[], digits: number): string => {
  if (values.length === 0) return '–';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => quantileSorted(sorted, p).toFixed(digits);
  return `${at(0.5)} (${at(0.9)})`;
};

/** The failing rows of a final report: `accuracy[winter]` for a segment. */
export function causeOf(report: DecisionReport | null): string {
  const failed = report?.evidence.filter((e) => e.outcome === 'FAIL').map(evidenceLabel) ?? [];
  if (failed.length > 0) return failed.join('+');
  const details = JSON.parse(report?.details ?? '{}') as { code?: string };
  return details.code ?? 'unknown';
}
