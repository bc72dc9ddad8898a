/**
 * The q-quantile of a sample by linear interpolation between order statistics (Hyndman and Fan's
 * definition 7, the default of R and NumPy). Written here rather than imported: the bench only
 * needs this one function on small arrays, and the root package has no statistics dependency.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty sample');
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The middle of the repetitions: what every table of bench/ reports. */
export const medianOf = (values: readonly number[]): number => quantile(values, 0.5);
