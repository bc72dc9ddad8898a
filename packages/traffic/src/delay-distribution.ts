/** How long after its request a label arrives. */
export const DelayKind = { CONSTANT: 'constant', EXPONENTIAL: 'exponential' } as const;
export type DelayKind = (typeof DelayKind)[keyof typeof DelayKind];

export type DelayDistribution =
  | { readonly kind: typeof DelayKind.CONSTANT; readonly ms: number }
  | { readonly kind: typeof DelayKind.EXPONENTIAL; readonly meanMs: number };

export const constantDelay = (ms: number): DelayDistribution => ({ kind: DelayKind.CONSTANT, ms });
export const exponentialDelay = (meanMs: number): DelayDistribution => ({
  kind: DelayKind.EXPONENTIAL,
  meanMs,
});

/**
 * The delay for a uniform draw `u` in (0, 1), by inverse-CDF sampling, so a hash-keyed `u`
 * makes the delay a pure function of the request. Exponential: `-mean · ln(1 − u)`, the
 * memoryless waiting time of a label that is equally likely to arrive at any moment.
 */
export function delayAt(distribution: DelayDistribution, u: number): number {
  if (distribution.kind === DelayKind.CONSTANT) return distribution.ms;
  return -distribution.meanMs * Math.log1p(-u);
}

/** Mean of the distribution, in milliseconds. */
export const meanDelay = (distribution: DelayDistribution): number =>
  distribution.kind === DelayKind.CONSTANT ? distribution.ms : distribution.meanMs;

export function describeDelay(distribution: DelayDistribution): string {
  return distribution.kind === DelayKind.CONSTANT
    ? `${distribution.ms} ms`
    : `exponential, mean ${distribution.meanMs} ms`;
}
