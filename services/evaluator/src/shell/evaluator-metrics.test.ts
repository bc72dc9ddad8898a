import { exampleEvents, type VariantMetrics } from '@kanary/contracts';
import { createMetricsRegistry } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import { JoinProcessor } from '@kanary/join';
import { DAY, T0, labelled, predicted } from '@kanary/join/fixtures';
import { evaluatorMetrics } from './evaluator-metrics.js';
import { PartitionOutputs } from './join-outputs.js';

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

describe('evaluatorMetrics.count', () => {
  it('tells items evicted from a full store apart from TTL expiries', async () => {
    const registry = createMetricsRegistry('evaluator', { processMetrics: false });
    const metrics = evaluatorMetrics(registry);
    const processor = new JoinProcessor({ maxPending: 2, ttlMs: DAY });
    processor.init({ now: T0 });
    const out = new PartitionOutputs(0);
    out.add(processor.process(predicted({ requestId: 'r1' }), T0));
    out.add(processor.process(labelled({ requestId: 'r2' }), T0 + 1));
    // A third request fills past maxPending: r1, the closest to expiry, is evicted.
    out.add(processor.process(predicted({ requestId: 'r3' }), T0 + 2));
    out.add(processor.punctuate(T0 + 2 * DAY));
    metrics.count(out);
    const text = await registry.metrics();
    const line = (kind: string, reason: string, n: number) =>
      `kanary_join_expired_total{kind="${kind}",reason="${reason}",service="evaluator"} ${n}`;
    expect(text).toContain(line('prediction', 'EVICTED', 1));
    expect(text).toContain(line('label', 'TTL', 1));
    expect(text).toContain(line('prediction', 'TTL', 1));
  });

  it('counts evaluations per model, variant and role', async () => {
    const registry = createMetricsRegistry('evaluator', { processMetrics: false });
    const metrics = evaluatorMetrics(registry);
    const processor = new JoinProcessor({ ttlMs: DAY });
    processor.init({ now: T0 });
    const out = new PartitionOutputs(0);
    const arms = [
      { variant: 'v1', role: 'STABLE' },
      { variant: 'v2', role: 'CANARY' },
      { variant: 'v1', role: 'STABLE' },
      { variant: 'v2', role: 'SHADOW', served: false },
      { variant: 'v1', role: 'STABLE' },
    ] as const;
    arms.forEach((arm, i) => {
      out.add(processor.process(predicted({ requestId: `r${i}`, ...arm }), T0));
      out.add(processor.process(labelled({ requestId: `r${i}` }), T0));
    });
    metrics.count(out);
    metrics.count(out);
    const text = await registry.metrics();
    const line = (variant: string, role: string, n: number) =>
      `kanary_evaluations_total{model="fraud",variant="${variant}",role="${role}",service="evaluator"} ${n}`;
    expect(text).toContain(line('v1', 'STABLE', 6));
    expect(text).toContain(line('v2', 'CANARY', 2));
    expect(text).toContain(line('v2', 'SHADOW', 2));
  });
});
