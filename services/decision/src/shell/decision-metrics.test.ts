import { exampleEvents } from '@kanary/contracts';
import { createMetricsRegistry } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import type { ArmSummary, RolloutSummary } from '@kanary/decision-engine';
import { decisionMetrics } from './decision-metrics.js';

const arm = (over: Partial<ArmSummary>): ArmSummary => ({
  variant: 'v1',
  role: 'STABLE',
  labelled: 400,
  accuracy: 0.8,
  accuracyLower: 0.74,
  accuracyUpper: 0.86,
  errorRate: 0.01,
  latencyP50: 12,
  latencyP95: 40,
  latencyP99: null,
  routed: 900,
  mae: null,
  rmse: null,
  logLoss: null,
  brier: null,
  outcomes: {},
  segments: [],
  ...over,
});

const summary = (over: Partial<RolloutSummary>): RolloutSummary => ({
  model: 'weather',
  rolloutId: 'ro-1',
  phase: 'CANARY',
  canaryWeight: 0.1,
  stepIndex: 1,
  arms: [
    arm({}),
    arm({
      variant: 'v2',
      role: 'CANARY',
      labelled: 0,
      accuracy: null,
      accuracyLower: null,
      accuracyUpper: null,
    }),
  ],
  lastDecision: null,
  ...over,
});

const NO_SOURCES = { partitions: 0, watermarks: new Map<number, number>(), low: null };

describe('decisionMetrics', () => {
  it('describes each current rollout per arm, with the interval bounds and latency quantiles in seconds', async () => {
    const registry = createMetricsRegistry('decision', { processMetrics: false });
    const metrics = decisionMetrics(registry, () => 0);
    metrics.ticked([summary({})], undefined, NO_SOURCES);
    metrics.decided([{ ...exampleEvents.DecisionReport, action: 'ROLLBACK' }]);
    const text = await registry.metrics();
    const labels = 'model="weather",rollout_id="ro-1",variant="v1",role="STABLE"';
    expect(text).toContain(`kanary_rollout_arm_accuracy{${labels},service="decision"} 0.8`);
    expect(text).toContain(`kanary_rollout_arm_accuracy_lower{${labels},service="decision"} 0.74`);
    expect(text).toContain(`kanary_rollout_arm_accuracy_upper{${labels},service="decision"} 0.86`);
    expect(text).toContain(`kanary_rollout_arm_labelled{${labels},service="decision"} 400`);
    expect(text).toContain(
      `kanary_rollout_arm_latency_seconds{${labels},quantile="0.95",service="decision"} 0.04`,
    );
    // Unknown values (no labelled sample yet, no p99) are absent, not zero.
    expect(text).not.toMatch(/kanary_rollout_arm_accuracy\{[^}]*variant="v2"/);
    expect(text).toContain(
      'kanary_rollout_arm_labelled{model="weather",rollout_id="ro-1",variant="v2",role="CANARY",service="decision"} 0',
    );
    expect(text).not.toContain('quantile="0.99"');
    expect(text).toContain(
      'kanary_rollout_info{model="weather",rollout_id="ro-1",phase="CANARY",stable="v1",canary="v2",service="decision"} 1',
    );
    expect(text).toContain('kanary_rollout_step{model="weather",service="decision"} 1');
    expect(text).toContain(
      'kanary_decisions_total{action="ROLLBACK",model="weather",service="decision"} 1',
    );
  });

  it('drops the series of a rollout that is no longer current', async () => {
    const registry = createMetricsRegistry('decision', { processMetrics: false });
    const metrics = decisionMetrics(registry, () => 0);
    metrics.ticked([summary({})], undefined, NO_SOURCES);
    metrics.ticked(
      [summary({ rolloutId: 'ro-2', phase: 'SHADOW', arms: [arm({ variant: 'v2' })] })],
      undefined,
      NO_SOURCES,
    );
    const text = await registry.metrics();
    expect(text).not.toContain('rollout_id="ro-1"');
    expect(text).toContain(
      'kanary_rollout_info{model="weather",rollout_id="ro-2",phase="SHADOW",stable="v2",canary=""',
    );
  });

  it("reports each source partition's evidence lag and the lowest as the decision lag", async () => {
    const registry = createMetricsRegistry('decision', { processMetrics: false });
    const metrics = decisionMetrics(registry, () => 100_000);
    metrics.ticked([], undefined, {
      partitions: 2,
      watermarks: new Map([
        [0, 97_000],
        [1, 40_000],
      ]),
      low: 40_000,
    });
    metrics.evidenceRead(7);
    const text = await registry.metrics();
    expect(text).toContain('kanary_decision_lag_seconds{service="decision"} 60');
    expect(text).toContain(
      'kanary_decision_evidence_lag_seconds{partition="0",service="decision"} 3',
    );
    expect(text).toContain(
      'kanary_decision_evidence_lag_seconds{partition="1",service="decision"} 60',
    );
    expect(text).toContain('kanary_decision_evidence_records_total{service="decision"} 7');
  });
});
