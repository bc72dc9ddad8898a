/** Literal records and a seeded generator shared by the join's tests. */
import type { GroundTruthLabel, Prediction } from '@kanary/contracts';
import type { JoinInput } from './join-input.js';

export const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
export const SECOND = 1000;
export const HOUR = 3600 * SECOND;
export const DAY = 24 * HOUR;

export function prediction(overrides: Partial<Prediction> = {}): Prediction {
  return {
    scores: null,
    segment: null,
    requestId: 'req-1',
    model: 'fraud',
    rolloutId: 'ro-1',
    variant: 'v1',
    role: 'STABLE',
    served: true,
    output: 'fraud',
    score: 0.9,
    latencyMs: 12,
    status: 'OK',
    error: null,
    timestamp: T0,
    ...overrides,
  };
}

export function label(overrides: Partial<GroundTruthLabel> = {}): GroundTruthLabel {
  return {
    requestId: 'req-1',
    model: 'fraud',
    label: 'fraud',
    timestamp: T0 + HOUR,
    outcomes: null,
    ...overrides,
  };
}

export const predicted = (overrides: Partial<Prediction> = {}): JoinInput => ({
  kind: 'prediction',
  value: prediction(overrides),
});

export const labelled = (overrides: Partial<GroundTruthLabel> = {}): JoinInput => ({
  kind: 'label',
  value: label(overrides),
});

/** mulberry32 (Tommy Ettinger, public domain): a small seeded PRNG so random tests replay. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
