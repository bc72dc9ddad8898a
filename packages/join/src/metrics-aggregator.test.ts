import { describe, expect, it } from 'vitest';
import { ChangelogFormatError } from './changelog-format-error.js';
import { labelMetricsKey, variantMetricsKey } from './changelog.js';
import { MAX_SEGMENTS, OTHER_SEGMENT } from '@kanary/evidence';
import { MetricsAggregator, type MeteredPrediction } from './metrics-aggregator.js';
import { T0 } from './join.fixtures.js';
import type { MeteredEvaluation } from './variant-aggregate.js';

const stable: MeteredPrediction = {
  rolloutId: 'ro-1',
  model: 'eta',
  variant: 'v1',
  role: 'STABLE',
  latencyMs: 10,
  status: 'OK',
};
const canary: MeteredPrediction = { ...stable, variant: 'v2', role: 'CANARY', latencyMs: 30 };

/** An evaluation of `p`'s variant: correct, no values, unless told. */
const evaluated = (p: MeteredPrediction, overrides: Partial<MeteredEvaluation> = {}) => ({
  ...p,
  correct: true,
  absError: null,
  logLoss: null,
  brier: null,
  outcomes: null,
  segment: null,
  ...overrides,
});

function filled(): MetricsAggregator {
  const m = new MetricsAggregator(0.01);
  for (let i = 0; i < 4; i++) m.onPrediction(stable);
  m.onEvaluation(evaluated(stable, { absError: 0.5, segment: 'eu', outcomes: { revenue: 4 } }));
  m.onEvaluation(evaluated(stable, { correct: false, absError: 2.5, segment: 'us' }));
  m.onEvaluation(evaluated(stable, { correct: false, status: 'ERROR', segment: 'eu' }));
  m.onEvaluation(
    evaluated(stable, { correct: false, status: 'TIMEOUT', outcomes: { revenue: 0 } }),
  );
  m.onPredictionExpired(stable, 'TTL');
  m.onPredictionExpired(stable, 'TTL');
  m.onPredictionExpired(stable, 'EVICTED');
  m.onPendingPredictions(stable, 3);
  m.onPrediction(canary);
  m.onLabel('eta');
  m.onDuplicateLabel('eta');
  m.onLabelExpired('eta', 'TTL');
  m.onPendingLabels('eta', 2);
  return m;
}

describe('MetricsAggregator', () => {
  it('derives rates, coverage and nulls from the counters', () => {
    const snapshot = filled().snapshot(T0);
    expect(snapshot.variants.map((v) => v.variant)).toEqual(['v1', 'v2']);
    expect(snapshot.variants[0]).toMatchObject({
      predictions: 4,
      labelled: 4,
      correct: 1,
      accuracy: 0.25,
      meanAbsError: 1.5,
      // √((0.25 + 6.25) / 2)
      rootMeanSquaredError: Math.sqrt(3.25),
      logLoss: null,
      brier: null,
      outcomes: { revenue: 2 },
      segments: [
        { segment: 'eu', labelled: 2, correct: 1, accuracy: 0.5 },
        { segment: 'us', labelled: 1, correct: 0, accuracy: 0 },
      ],
      errors: 1,
      timeouts: 1,
      errorRate: 0.5,
      expiredPredictions: 3,
      pending: 3,
      labelCoverage: 4 / 7,
      at: T0,
    });
    expect(snapshot.variants[1]).toMatchObject({
      predictions: 1,
      labelled: 0,
      accuracy: null,
      meanAbsError: null,
      rootMeanSquaredError: null,
      logLoss: null,
      brier: null,
      outcomes: {},
      segments: [],
      errorRate: null,
      labelCoverage: null,
      latencyP50: expect.closeTo(30, 0) as number,
    });
    expect(snapshot.labels).toEqual([
      {
        model: 'eta',
        labels: 1,
        duplicateLabels: 1,
        expiredLabels: 1,
        evictedLabels: 0,
        pendingLabels: 2,
        at: T0,
      },
    ]);
  });

  it('averages log-loss, Brier score and each outcome over the evaluations that carry them', () => {
    const m = new MetricsAggregator(0.01);
    m.onEvaluation(evaluated(canary, { logLoss: 0.25, brier: 0.5, outcomes: { clicks: 1 } }));
    m.onEvaluation(evaluated(canary, { logLoss: 1.25, brier: 1, outcomes: { watch: 30 } }));
    m.onEvaluation(evaluated(canary, { correct: false, outcomes: { clicks: 0, watch: 10 } }));
    expect(m.snapshot(T0).variants[0]).toMatchObject({
      labelled: 3,
      logLoss: 0.75,
      brier: 0.75,
      outcomes: { clicks: 0.5, watch: 20 },
      rootMeanSquaredError: null,
      meanAbsError: null,
    });
  });

  it(`names ${MAX_SEGMENTS} segments at most, also when combining, and counts the rest as ${OTHER_SEGMENT}`, () => {
    const parts = [new MetricsAggregator(0.01), new MetricsAggregator(0.01)];
    parts.forEach((m, part) => {
      for (let i = 0; i < MAX_SEGMENTS; i += 1) {
        m.onEvaluation(evaluated(stable, { segment: `p${part}-s${i}`, correct: i % 2 === 0 }));
      }
    });
    (parts[0] as MetricsAggregator).onEvaluation(evaluated(stable, { segment: 'one-more' }));
    const alone = (parts[0] as MetricsAggregator).snapshot(T0).variants[0]?.segments ?? [];
    expect(alone).toHaveLength(MAX_SEGMENTS + 1);
    expect(alone.find((s) => s.segment === OTHER_SEGMENT)).toEqual({
      segment: OTHER_SEGMENT,
      labelled: 1,
      correct: 1,
      accuracy: 1,
    });
    const combined = MetricsAggregator.combine(parts, T0).variants[0]?.segments ?? [];
    expect(combined).toHaveLength(MAX_SEGMENTS + 1);
    // The second processor's segments all went to (other): 64 more, half of them correct.
    expect(combined.find((s) => s.segment === OTHER_SEGMENT)).toEqual({
      segment: OTHER_SEGMENT,
      labelled: 65,
      correct: 33,
      accuracy: 33 / 65,
    });
    expect(combined.reduce((n, s) => n + s.labelled, 0)).toBe(2 * MAX_SEGMENTS + 1);
  });

  it('reads a version-1 checkpoint as having no means and no segments, and goes on counting', () => {
    const m = new MetricsAggregator(0.01);
    m.restore(
      variantMetricsKey('["ro-1","eta","v1","STABLE"]'),
      '{"v":1,"k":["ro-1","eta","v1","STABLE"],"c":[4,0,4,3,6,2,0,0,0,0],"s":[0,[],[]]}',
    );
    m.onEvaluation(evaluated(stable, { absError: 2, logLoss: 0.5, segment: 'eu' }));
    expect(m.snapshot(T0).variants[0]).toMatchObject({
      labelled: 5,
      correct: 4,
      meanAbsError: 8 / 3,
      // Squared errors are known from the upgrade on only.
      rootMeanSquaredError: 2,
      logLoss: 0.5,
      segments: [{ segment: 'eu', labelled: 1, correct: 1, accuracy: 1 }],
    });
  });

  it('checkpoints only what changed since the last checkpoint and restores it exactly', () => {
    const m = filled();
    const first = m.checkpoint();
    expect(first.map((e) => e.key)).toEqual([
      variantMetricsKey('["ro-1","eta","v1","STABLE"]'),
      variantMetricsKey('["ro-1","eta","v2","CANARY"]'),
      labelMetricsKey('eta'),
    ]);
    expect(m.checkpoint()).toEqual([]);
    m.onPendingPredictions(canary, 1); // gauges are not checkpointed
    expect(m.checkpoint()).toEqual([]);
    m.onPrediction(canary);
    const second = m.checkpoint();
    expect(second.map((e) => e.key)).toEqual([variantMetricsKey('["ro-1","eta","v2","CANARY"]')]);

    const restored = new MetricsAggregator(0.01);
    for (const { key, value } of [...first, ...second]) restored.restore(key, value);
    restored.onPendingPredictions(stable, 3);
    restored.onPendingPredictions(canary, 1);
    restored.onPendingLabels('eta', 2);
    expect(restored.snapshot(T0)).toEqual(m.snapshot(T0));
    expect(restored.checkpoint()).toEqual([]);
  });

  it('keeps series apart that share a variant name, and goes on counting a restored series', () => {
    const m = new MetricsAggregator(0.01);
    const otherRollout = { ...stable, rolloutId: 'ro-2' };
    const asShadow = { ...stable, role: 'SHADOW' as const };
    const noRollout = { ...stable, rolloutId: null };
    for (const p of [stable, otherRollout, asShadow, noRollout, stable]) m.onPrediction(p);
    expect(m.snapshot(T0).variants.map((v) => [v.rolloutId, v.role, v.predictions])).toEqual([
      ['ro-1', 'SHADOW', 1],
      ['ro-1', 'STABLE', 2],
      ['ro-2', 'STABLE', 1],
      [null, 'STABLE', 1],
    ]);
    const restored = new MetricsAggregator(0.01);
    restored.onPrediction(asShadow); // a series known before the restore…
    for (const { key, value } of m.checkpoint()) restored.restore(key, value);
    restored.onPrediction(stable); // …and one the restore brought
    restored.onPrediction(asShadow);
    const counts = restored.snapshot(T0).variants.map((v) => [v.rolloutId, v.role, v.predictions]);
    expect(counts).toEqual([
      ['ro-1', 'SHADOW', 2],
      ['ro-1', 'STABLE', 3],
      ['ro-2', 'STABLE', 1],
      [null, 'STABLE', 1],
    ]);
    expect(restored.checkpoint().map((e) => e.key)).toEqual([
      variantMetricsKey('["ro-1","eta","v1","SHADOW"]'),
      variantMetricsKey('["ro-1","eta","v1","STABLE"]'),
    ]);
  });

  it('combines processors by summing counters and merging sketches', () => {
    const a = filled();
    const b = filled();
    b.onPrediction({ ...canary, latencyMs: 50 });
    const combined = MetricsAggregator.combine([a, b], T0);
    const [v1, v2] = combined.variants;
    expect([v1?.predictions, v1?.labelled, v1?.correct, v1?.pending]).toEqual([8, 8, 2, 6]);
    expect(v1?.meanAbsError).toBe(1.5);
    expect(v2?.predictions).toBe(3);
    expect(combined.labels[0]?.labels).toBe(2);
    expect(a.snapshot(T0).variants[0]?.predictions).toBe(4); // inputs untouched
    expect(MetricsAggregator.combine([], T0)).toEqual({ at: T0, variants: [], labels: [] });
  });

  it.each([
    [
      'unknown version',
      '{"v":3,"k":[null,"m","v","STABLE"],"c":[0,0,0,0,0,0,0,0,0,0],"s":[0,[],[]]}',
    ],
    [
      'malformed means',
      '{"v":2,"k":[null,"m","v","STABLE"],"c":[0,0,0,0,0,0,0,0,0,0],"s":[0,[],[]],"m":[["logLoss",1,"x",1]],"g":[]}',
    ],
    [
      'malformed segments',
      '{"v":2,"k":[null,"m","v","STABLE"],"c":[0,0,0,0,0,0,0,0,0,0],"s":[0,[],[]],"m":[],"g":[["eu",1]]}',
    ],
    ['bad role', '{"v":1,"k":[null,"m","v","BOSS"],"c":[0,0,0,0,0,0,0,0,0,0],"s":[0,[],[]]}'],
    ['short counters', '{"v":1,"k":[null,"m","v","STABLE"],"c":[0],"s":[0,[],[]]}'],
    ['bad sketch', '{"v":1,"k":[null,"m","v","STABLE"],"c":[0,0,0,0,0,0,0,0,0,0],"s":"x"}'],
    ['not JSON', '{'],
  ])('refuses a variant checkpoint with %s', (_name, value) => {
    const m = new MetricsAggregator(0.01);
    expect(() => m.restore(variantMetricsKey('x'), value)).toThrow(ChangelogFormatError);
  });
});
