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
