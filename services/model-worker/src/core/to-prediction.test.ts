import { exampleEvents } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { failed } from './call-outcome.js';
import { parseFeatures } from './parse-features.js';
import { toPrediction } from './to-prediction.js';

const routed = exampleEvents.RoutedRequest;

describe('toPrediction', () => {
  it('copies the routing fields, the segment and the outcome with its class probabilities', () => {
    const scores = { rain: 0.9, sun: 0.1 };
    const prediction = toPrediction(
      { ...routed, segment: 'north' },
      { status: 'OK', output: 'rain', score: 0.9, scores, error: null, latencyMs: 12 },
      1_767_225_600_100,
    );
    expect(prediction).toEqual({
      requestId: routed.requestId,
      model: routed.model,
      rolloutId: routed.rolloutId,
      variant: routed.variant,
      role: routed.role,
      served: routed.served,
      output: 'rain',
      score: 0.9,
      scores,
      segment: 'north',
      latencyMs: 12,
      status: 'OK',
      error: null,
      timestamp: 1_767_225_600_100,
    });
  });

  it('keeps the error text of a failed call', () => {
    const prediction = toPrediction(
      routed,
      failed('TIMEOUT', 'too slow', 1_000),
      1_767_225_600_100,
    );
    expect(prediction).toMatchObject({
      status: 'TIMEOUT',
      error: 'too slow',
      output: null,
      score: null,
      scores: null,
      segment: routed.segment,
      latencyMs: 1_000,
    });
  });
});

describe('parseFeatures', () => {
  it.each([
    ['{"trueLabel":"a"}', { ok: true, features: { trueLabel: 'a' } }],
    ['[1,2]', { ok: true, features: [1, 2] }],
  ])('parses %s', (text, expected) => {
    expect(parseFeatures(text)).toEqual(expected);
  });

  it('reports text that is not JSON as an error, not an exception', () => {
    const parsed = parseFeatures('{oops');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/^features are not JSON/);
  });
});
