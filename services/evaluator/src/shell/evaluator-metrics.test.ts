import { exampleEvents, type VariantMetrics } from '@kanary/contracts';
import { createMetricsRegistry } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import { evaluatorMetrics } from './evaluator-metrics.js';

const variant = (over: Partial<VariantMetrics>): VariantMetrics => ({
  ...exampleEvents.VariantMetrics,
  rolloutId: 'ro-1',
  model: 'weather',
  variant: 'v1',
  role: 'STABLE',
  predictions: 120,
  labelled: 90,
  correct: 72,
  expiredPredictions: 10,
  pending: 20,
  ...over,
});

describe('evaluatorMetrics.snapshot', () => {
  it('exposes the cumulative per-variant totals of the latest snapshot, and only those', async () => {
    const registry = createMetricsRegistry('evaluator', { processMetrics: false });
    const metrics = evaluatorMetrics(registry);
    metrics.snapshot({
      at: 1,
      variants: [variant({}), variant({ rolloutId: null, variant: 'old' })],
      labels: [],
    });
    metrics.snapshot({ at: 2, variants: [variant({ labelled: 95 })], labels: [] });
    const text = await registry.metrics();
    const labels =
      'model="weather",rollout_id="ro-1",variant="v1",role="STABLE",service="evaluator"';
    expect(text).toContain(`kanary_variant_predictions{${labels}} 120`);
    expect(text).toContain(`kanary_variant_labelled{${labels}} 95`);
    expect(text).toContain(`kanary_variant_correct{${labels}} 72`);
    expect(text).toContain(`kanary_variant_expired_predictions{${labels}} 10`);
    expect(text).toContain(`kanary_variant_pending{${labels}} 20`);
    expect(text).not.toContain('variant="old"');
  });
});
