/**
 * Sufficient statistics of one rollout over some span of time: per arm plain counts, the moments
 * of mean-based metrics and per-segment counts, and the labelled shadow pairs. Mutable on purpose
 * — one is updated per evidence bucket at every tick, and allocating new objects per bucket would
 * dominate the cost of the engine.
 */
import type { MeanMoments, Moments, SegmentCounts as SegmentTally } from '@kanary/evidence';
import type { MeanCounts, SegmentCounts, WindowCounts } from '@kanary/rollout';

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
  /** Mean-based metrics by evidence key, absError included. */
  readonly means: Map<string, Moments>;
  readonly segments: Map<string, SegmentTally>;
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
  means: new Map(),
  segments: new Map(),
});

export const emptyTally = (): Tally => ({
  stable: emptyArm(),
  canary: emptyArm(),
  shadow: emptyArm(),
  pairs: { nPairs: 0, n10: 0, n01: 0 },
});

const frozenMeans = (means: ReadonlyMap<string, MeanMoments>): MeanCounts =>
  Object.freeze(Object.fromEntries([...means].map(([key, m]) => [key, Object.freeze({ ...m })])));

function frozenArm(arm: ArmTally) {
  const segments: Record<string, SegmentCounts> = {};
  for (const [name, s] of arm.segments) {
    segments[name] = Object.freeze({
      labelled: s.labelled,
      correct: s.correct,
      errors: s.errors,
      means: frozenMeans(s.means),
    });
  }
  return Object.freeze({
    routed: arm.routed,
    labelled: arm.labelled,
    correct: arm.correct,
    errors: arm.errors,
    timed: arm.timed,
    slow: arm.slow,
    means: frozenMeans(arm.means),
    segments: Object.freeze(segments),
  });
}

/** A frozen copy of the arms the policy compares: stable against the canary or its shadow. */
export function windowCounts(tally: Tally, canaryArm: Arm): WindowCounts {
  return Object.freeze({
    stable: frozenArm(tally.stable),
    canary: frozenArm(tally[canaryArm]),
    pairs: Object.freeze({ ...tally.pairs }),
  });
}
