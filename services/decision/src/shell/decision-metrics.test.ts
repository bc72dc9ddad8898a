import { exampleEvents } from '@kanary/contracts';
import { createMetricsRegistry } from '@kanary/observability';
import { describe, expect, it } from 'vitest';
import type { ArmSummary, RolloutSummary } from '@kanary/decision-engine';
import { decisionMetrics } from './decision-metrics.js';
import { SEGMENT_GAUGES_PER_ARM, topSegments } from './rollout-gauges.js';

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
  candidate: null,
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

  it('gives MAE, RMSE, log-loss, Brier and outcome means per arm, and accuracy, labels and MAE per segment', async () => {
    const registry = createMetricsRegistry('decision', { processMetrics: false });
    const metrics = decisionMetrics(registry, () => 0);
    const scored = arm({
      mae: 1.25,
      rmse: 1.75,
      logLoss: 0.42,
      brier: 0.13,
      outcomes: { revenue: 12.5, clicks: null },
      segments: [
        { segment: 'north', labelled: 300, accuracy: 0.84, mae: 1.1 },
        { segment: 'south', labelled: 100, accuracy: 0.71, mae: null },
      ],
    });
    metrics.ticked([summary({ arms: [scored] })], undefined, NO_SOURCES);
    const text = await registry.metrics();
    const labels = 'model="weather",rollout_id="ro-1",variant="v1",role="STABLE"';
    for (const [name, value] of [
      ['mae', 1.25],
      ['rmse', 1.75],
      ['log_loss', 0.42],
      ['brier', 0.13],
    ] as const) {
      expect(text).toContain(`kanary_rollout_arm_${name}{${labels},service="decision"} ${value}`);
    }
    expect(text).toContain(
      `kanary_rollout_arm_outcome_mean{${labels},outcome="revenue",service="decision"} 12.5`,
    );
    // An outcome without a value yet has no series.
    expect(text).not.toContain('outcome="clicks"');
    expect(text).toContain(
      `kanary_rollout_arm_segment_accuracy{${labels},segment="north",service="decision"} 0.84`,
    );
    expect(text).toContain(
      `kanary_rollout_arm_segment_accuracy{${labels},segment="south",service="decision"} 0.71`,
    );
    expect(text).toContain(
      `kanary_rollout_arm_segment_labelled{${labels},segment="south",service="decision"} 100`,
    );
    expect(text).toContain(
      `kanary_rollout_arm_segment_mae{${labels},segment="north",service="decision"} 1.1`,
    );
    expect(text).not.toMatch(/kanary_rollout_arm_segment_mae\{[^}]*segment="south"/);
  });

  it(`keeps gauges of the ${SEGMENT_GAUGES_PER_ARM} most labelled segments of each arm only`, async () => {
    const registry = createMetricsRegistry('decision', { processMetrics: false });
    const metrics = decisionMetrics(registry, () => 0);
    // 40 segments, s00 the least labelled; alphabetical order is not the order kept.
    const segments = Array.from({ length: 40 }, (_, i) => ({
      segment: `s${String(i).padStart(2, '0')}`,
      labelled: 10 + i,
      accuracy: 0.5,
      mae: null,
    }));
    metrics.ticked(
      [summary({ arms: [arm({ segments }), arm({ variant: 'v2', role: 'CANARY', segments })] })],
      undefined,
      NO_SOURCES,
    );
    const text = await registry.metrics();
    const kept = (variant: string) =>
      [
        ...text.matchAll(
          new RegExp(
            `kanary_rollout_arm_segment_accuracy\\{[^}]*variant="${variant}"[^}]*segment="(s\\d+)"`,
            'g',
          ),
        ),
      ].map((m) => m[1]);
    const expected = segments.slice(-SEGMENT_GAUGES_PER_ARM).map((s) => s.segment);
    expect(kept('v1').sort()).toEqual(expected);
    expect(kept('v2').sort()).toEqual(expected);
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

  it('gives each candidate of an A/B/n rollout its own series, the shared stable arm once per candidate', async () => {
    const registry = createMetricsRegistry('decision', { processMetrics: false });
    const metrics = decisionMetrics(registry, () => 0);
    const judged = (candidate: string, stableLabelled: number, stepIndex: number) =>
      summary({
        candidate,
        stepIndex,
        arms: [
          arm({ labelled: stableLabelled, accuracy: stableLabelled / 1_000 }),
          arm({ variant: candidate, role: 'CANARY', labelled: 50, accuracy: 0.9 }),
        ],
      });
    metrics.ticked([judged('a', 400, 2), judged('b', 300, 1)], undefined, NO_SOURCES);
    const text = await registry.metrics();
    const stable = (candidate: string) =>
      `model="weather",rollout_id="ro-1",variant="v1",role="STABLE",candidate="${candidate}"`;
    // Each candidate's window of the stable arm: neither overwrites the other.
    expect(text).toContain(`kanary_rollout_arm_labelled{${stable('a')},service="decision"} 400`);
    expect(text).toContain(`kanary_rollout_arm_labelled{${stable('b')},service="decision"} 300`);
    expect(text).toContain(`kanary_rollout_arm_accuracy{${stable('b')},service="decision"} 0.3`);
    expect(text).toContain(
      'kanary_rollout_arm_accuracy{model="weather",rollout_id="ro-1",variant="a",role="CANARY",candidate="a",service="decision"} 0.9',
    );
    expect(text).toContain(
      'kanary_rollout_info{model="weather",rollout_id="ro-1",phase="CANARY",stable="v1",canary="b",candidate="b",service="decision"} 1',
    );
    expect(text).toContain(
      'kanary_rollout_step{model="weather",candidate="a",service="decision"} 2',
    );
    expect(text).toContain(
      'kanary_rollout_step{model="weather",candidate="b",service="decision"} 1',
    );
    expect(text.match(/^kanary_rollout_arm_labelled\{/gm)).toHaveLength(4);
    // A rollout with one canary has no candidate label at all.
    metrics.ticked([summary({})], undefined, NO_SOURCES);
    expect(await registry.metrics()).not.toContain('candidate=');
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

describe('topSegments', () => {
  it('keeps the most labelled, ties by name', () => {
    const s = (segment: string, labelled: number) => ({
      segment,
      labelled,
      accuracy: null,
      mae: null,
    });
    expect(
      topSegments([s('c', 5), s('a', 9), s('b', 5), s('d', 1)], 3).map((x) => x.segment),
    ).toEqual(['a', 'b', 'c']);
  });
});
