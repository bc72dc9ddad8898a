// Exact distribution functions. simple-statistics' normal CDF is a 3-decimal lookup table and its
// probit is a rational approximation; both are too coarse for sequential boundaries and small
// p-values, so these delegate to @stdlib special functions, which are accurate to double precision
// (ports of the Boost/Cephes implementations). The quantile uses erfcinv rather than @stdlib's
// normal quantile, which goes through erfinv(2p − 1) and loses all precision below p ≈ 1e-16.
// Verified against reference values in distributions.test.ts.
import stdlibNormalCdf from '@stdlib/stats-base-dists-normal-cdf';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import stdlibChiSquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import gammainc from '@stdlib/math-base-special-gammainc';

/** Standard normal cumulative distribution function Φ(x). */
export function normalCdf(x: number): number {
  return stdlibNormalCdf(x, 0, 1);
}

/** Standard normal survival function 1 − Φ(x), computed without cancellation in the upper tail. */
export function normalSf(x: number): number {
  return stdlibNormalCdf(-x, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p) for p in [0, 1] (±Infinity at the ends, NaN outside). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  // Φ⁻¹(p) = −√2·erfcinv(2p); for p ≥ 0.5 use the mirror image so 2(1 − p) is computed exactly.
  return p < 0.5 ? -Math.SQRT2 * erfcinv(2 * p) : Math.SQRT2 * erfcinv(2 * (1 - p));
}

/** χ² cumulative distribution function with `df` degrees of freedom. */
export function chiSquareCdf(x: number, df: number): number {
  return stdlibChiSquareCdf(x, df);
}

/**
 * χ² survival function P(X ≥ x) with `df` degrees of freedom, via the upper regularised incomplete
 * gamma function Q(df/2, x/2), so tiny p-values (1e-30) are not rounded to zero by `1 − cdf`.
 */
export function chiSquareSf(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}
