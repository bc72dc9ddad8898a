/**
 * A mean (an error, a score, an outcome) as people read it in a table or a status line: three
 * significant digits, whole numbers with thousands separators from 1,000 on (no exponents).
 */
export function meanText(x: number): string {
  if (Math.abs(x) >= 1_000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(3)));
}
