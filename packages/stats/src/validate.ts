// Argument checks shared by the public functions. A statistics call with an impossible input
// (a negative count, more successes than trials, alpha outside (0, 1)) is a programming error in
// the caller, so it throws instead of returning a result that could drive a rollout decision.

export function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

export function assertAtMost(name: string, value: number, limitName: string, limit: number): void {
  if (value > limit) {
    throw new RangeError(
      `${name} (${String(value)}) must not exceed ${limitName} (${String(limit)})`,
    );
  }
}

export function assertOpenUnit(name: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be in (0, 1), got ${String(value)}`);
  }
}

export function assertPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
}

export function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

export function assertNonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
}

/** The options every two-arm confidence sequence takes (proportions and means alike). */
export interface TwoArmSequenceOptions {
  readonly alpha?: number;
  readonly planN: { readonly stable: number; readonly canary: number };
  readonly minPerArm?: number;
  readonly nullDifference?: number;
}

/**
 * Checks the common options of a two-arm confidence sequence and fills their defaults: alpha
 * 0.05, a burn-in of 100 per arm, the null difference 0.
 */
export function twoArmSequenceOptions(options: TwoArmSequenceOptions): {
  readonly alpha: number;
  readonly minPerArm: number;
  readonly nullValue: number;
} {
  const alpha = options.alpha ?? 0.05;
  const minPerArm = options.minPerArm ?? 100;
  const nullValue = options.nullDifference ?? 0;
  assertOpenUnit('alpha', alpha);
  assertPositive('planN.stable', options.planN.stable);
  assertPositive('planN.canary', options.planN.canary);
  assertCount('minPerArm', minPerArm);
  assertFinite('nullDifference', nullValue);
  return { alpha, minPerArm, nullValue };
}
