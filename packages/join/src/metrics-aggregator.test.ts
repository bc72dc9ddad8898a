import { describe, expect, it } from 'vitest';
import { ChangelogFormatError } from './changelog-format-error.js';
import { labelMetricsKey, variantMetricsKey } from './changelog.js';
import { MetricsAggregator, type MeteredPrediction } from './metrics-aggregator.js';
import { T0 } from './join.fixtures.js';

const stable: MeteredPrediction = {
  rolloutId: 'ro-1',
  model: 'eta',
  variant: 'v1',
  role: 'STABLE',
  latencyMs: 10,
  status: 'OK',
};
const canary: MeteredPrediction = { ...stable, variant: 'v2', role: 'CANARY', latencyMs: 30 };

function filled(): MetricsAggregator {
  const m = new MetricsAggregator(0.01);
  for (let i = 0; i < 4; i++) m.onPrediction(stable);
  m.onEvaluation(stable, { correct: true, absError: 0.5 });
  m.onEvaluation(stable, { correct: false, absError: 2.5 });
  m.onEvaluation({ ...stable, status: 'ERROR' }, { correct: false, absError: null });
  m.onEvaluation({ ...stable, status: 'TIMEOUT' }, { correct: false, absError: null });
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
    ['unknown version', '{"v":2,"k":[null,"m","v","STABLE"],"c":[],"s":[0,[],[]]}'],
    ['bad role', '{"v":1,"k":[null,"m","v","BOSS"],"c":[0,0,0,0,0,0,0,0,0,0],"s":[0,[],[]]}'],
    ['short counters', '{"v":1,"k":[null,"m","v","STABLE"],"c":[0],"s":[0,[],[]]}'],
    ['bad sketch', '{"v":1,"k":[null,"m","v","STABLE"],"c":[0,0,0,0,0,0,0,0,0,0],"s":"x"}'],
    ['not JSON', '{'],
  ])('refuses a variant checkpoint with %s', (_name, value) => {
    const m = new MetricsAggregator(0.01);
    expect(() => m.restore(variantMetricsKey('x'), value)).toThrow(ChangelogFormatError);
  });
});
