/** Builders for policy tests: live states and literal observations. */
import { RolloutPhase, type RolloutState } from '@kanary/contracts';
import type { ArmCounts, RolloutObservations, WindowCounts } from './observations.js';

export const T0 = 1_750_000_000_000;
const HOUR = 3_600_000;

/** A live rollout of model churn (stable v1, canary v2), canary mode at step 0 / 1 %. */
export function liveState(overrides: Partial<RolloutState> = {}): RolloutState {
  return {
    model: 'churn',
    rolloutId: 'r1',
    phase: RolloutPhase.CANARY,
    pausedFrom: null,
    stable: 'v1',
    canary: 'v2',
    shadows: [],
    canaryWeight: 0.01,
    stepIndex: 0,
    seq: 1,
    policy: null,
    startedAt: T0,
    stepStartedAt: T0,
    updatedAt: T0,
    recentCommandIds: [],
    lastCommand: null,
    approval: null,
    candidates: [],
    ...overrides,
  };
}

export const shadowState = (overrides: Partial<RolloutState> = {}): RolloutState =>
  liveState({ phase: RolloutPhase.SHADOW, canaryWeight: 0, stepIndex: -1, ...overrides });

/**
 * Arm counts from rates: `labelled` samples at `accuracy`, error and slow shares, all timed,
 * routed = labelled / coverage.
 */
export function arm(
  labelled: number,
  accuracy: number,
  options: { errorRate?: number; slowShare?: number; coverage?: number } = {},
): ArmCounts {
  const { errorRate = 0.01, slowShare = 0.02, coverage = 0.9 } = options;
  return {
    routed: Math.round(labelled / coverage),
    labelled,
    correct: Math.round(labelled * accuracy),
    errors: Math.round(labelled * errorRate),
    timed: labelled,
    slow: Math.round(labelled * slowShare),
  };
}

const NO_PAIRS = { nPairs: 0, n10: 0, n01: 0 };

export const counts = (stable: ArmCounts, canary: ArmCounts, pairs = NO_PAIRS): WindowCounts => ({
  stable,
  canary,
  pairs,
});

/**
 * A healthy canary at 1 %: equal accuracy (85 %), errors (1 %) and latency, enough samples for
 * every test and the step minimum, units in the configured split, 2 h into the step.
 */
export function observations(overrides: Partial<RolloutObservations> = {}): RolloutObservations {
  const comparison = counts(arm(300_000, 0.85), arm(10_000, 0.85));
  return {
    comparison,
    comparisonStartedAt: T0,
    window: comparison,
    windowStartedAt: T0,
    windowUnits: { stable: 99_000, canary: 1_000 },
    latencyThreshold: { thresholdMs: 120, referenceMs: 100, referenceSamples: 1000 },
    latencyReferenceCollected: 1000,
    agreement: null,
    ...overrides,
  };
}

/** Two hours after T0: inside the default 24 h step limit. */
export const NOW = T0 + 2 * HOUR;
export const DAY = 24 * HOUR;
