/**
 * Sufficient statistics of one rollout over some span of time: per arm plain counts, and the
 * labelled shadow pairs. Mutable on purpose — one is updated per evaluation, and allocating new
 * objects per event would dominate the cost of the engine.
 */
import type { WindowCounts } from '@kanary/rollout';

/** The arms the engine tells apart: served stable, served canary, and the canary's shadow copies. */
export const Arm = { STABLE: 'stable', CANARY: 'canary', SHADOW: 'shadow' } as const;
export type Arm = (typeof Arm)[keyof typeof Arm];

export interface ArmTally {
  routed: number;
  labelled: number;
  correct: number;
  errors: number;
  timed: number;
  slow: number;
}

export interface PairTally {
  nPairs: number;
  n10: number;
  n01: number;
}

export interface Tally {
  stable: ArmTally;
  canary: ArmTally;
  shadow: ArmTally;
  pairs: PairTally;
}

const emptyArm = (): ArmTally => ({
  routed: 0,
  labelled: 0,
  correct: 0,
  errors: 0,
  timed: 0,
  slow: 0,
});

export const emptyTally = (): Tally => ({
  stable: emptyArm(),
  canary: emptyArm(),
  shadow: emptyArm(),
  pairs: { nPairs: 0, n10: 0, n01: 0 },
});

function addArm(into: ArmTally, from: ArmTally): void {
  into.routed += from.routed;
  into.labelled += from.labelled;
  into.correct += from.correct;
  into.errors += from.errors;
  into.timed += from.timed;
  into.slow += from.slow;
}

/** Adds `from` into `into`, field by field. */
export function addTally(into: Tally, from: Tally): void {
  addArm(into.stable, from.stable);
  addArm(into.canary, from.canary);
  addArm(into.shadow, from.shadow);
  into.pairs.nPairs += from.pairs.nPairs;
  into.pairs.n10 += from.pairs.n10;
  into.pairs.n01 += from.pairs.n01;
}

/** A frozen copy of the arms the policy compares: stable against the canary or its shadow. */
export function windowCounts(tally: Tally, canaryArm: Arm): WindowCounts {
  return Object.freeze({
    stable: Object.freeze({ ...tally.stable }),
    canary: Object.freeze({ ...tally[canaryArm] }),
    pairs: Object.freeze({ ...tally.pairs }),
  });
}
