import type { ArmEvidence } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { ownerPartition } from './assignment-units.js';
import { EvidenceFolder, FoldOutcome } from './evidence-folder.js';
import { T0, TERMS, evaluation, routed } from './evidence.fixtures.js';

const TOPICS = ['routed', 'predictions', 'labels'];

function folder(partition = 0): EvidenceFolder {
  return new EvidenceFolder({
    partition,
    partitions: 4,
    inputs: TOPICS,
    relativeAccuracy: 0.01,
    latenessMs: 5_000,
    terms: (id) => (id === TERMS.rolloutId ? TERMS : undefined),
  });
}

const buckets = (records: ArmEvidence[]) => records.filter((r) => r.rolloutId !== '');

describe('EvidenceFolder', () => {
  it('counts routed requests and evaluations per arm and event-time bucket', () => {
    const f = folder(2);
    expect(f.onRouted(routed())).toBe(FoldOutcome.FOLDED);
    expect(f.onRouted(routed({ requestId: 'r-2', routedAt: T0 + 900 }))).toBe(FoldOutcome.FOLDED);
    expect(f.onRouted(routed({ requestId: 'r-3', routedAt: T0 + 1_000 }))).toBe(FoldOutcome.FOLDED);
    f.onEvaluation(evaluation({ correct: true }));
    f.onEvaluation(evaluation({ requestId: 'r-2', correct: false, status: 'ERROR', latencyMs: 0 }));
    f.onEvaluation(evaluation({ variant: 'v-canary', role: 'CANARY', absError: 2 }));
    const out = buckets(f.checkpoint(T0 + 3_000));
    const find = (variant: string, bucketStart: number) =>
      out.find((r) => r.variant === variant && r.bucketStart === bucketStart);
    expect(find('v-stable', T0)).toMatchObject({
      sourcePartition: 2,
      sourcePartitions: 4,
      routed: 2,
      labelled: 2,
      correct: 1,
      errors: 1,
      latencyZeros: 1,
      bucketMs: 1_000,
      maturityMs: 15_000,
    });
    expect(find('v-stable', T0 + 1_000)).toMatchObject({ routed: 1, labelled: 0 });
    expect(find('v-canary', T0)).toMatchObject({
      routed: 0,
      labelled: 1,
      numeric: 1,
      absErrorSum: 2,
      absErrorSquares: 4,
    });
    expect(out).toHaveLength(3);
  });

  it.each([
    ['no rollout', { rolloutId: null }, FoldOutcome.NO_ROLLOUT],
    ['unknown rollout', { rolloutId: 'ro-other' }, FoldOutcome.UNKNOWN_ROLLOUT],
    ['before the start', { predictedAt: T0 - 1 }, FoldOutcome.BEFORE_START],
  ] as const)('skips an evaluation with %s, and counts it', (_, overrides, outcome) => {
    const f = folder();
    expect(f.onEvaluation(evaluation(overrides))).toBe(outcome);
    expect(f.skipped[outcome as keyof typeof f.skipped]).toBe(1);
    expect(buckets(f.checkpoint(T0))).toEqual([]);
  });

  it('counts a label later than the maturity window as late only', () => {
    const f = folder();
    f.onEvaluation(evaluation({ labeledAt: T0 + 150 + 15_000 }));
    f.onEvaluation(evaluation({ requestId: 'r-2', labeledAt: T0 + 150 + 15_001 }));
    const [record] = buckets(f.checkpoint(T0));
    expect(record).toMatchObject({ labelled: 1, correct: 1, lateLabels: 1 });
  });

  it('writes only the buckets changed since the last checkpoint', () => {
    const f = folder();
    f.onRouted(routed());
    f.onRouted(routed({ routedAt: T0 + 5_000 }));
    expect(buckets(f.checkpoint(T0))).toHaveLength(2);
    expect(buckets(f.checkpoint(T0))).toHaveLength(0);
    f.onRouted(routed({ routedAt: T0 + 5_500 }));
    const again = buckets(f.checkpoint(T0));
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ bucketStart: T0 + 5_000, routed: 2 });
  });

  it('restored from its records, continues the counts exactly', () => {
    const original = folder(1);
    const written: ArmEvidence[] = [];
    for (let i = 0; i < 50; i += 1) {
      original.onRouted(routed({ requestId: `r-${i}`, routedAt: T0 + i * 97 }));
      original.onEvaluation(
        evaluation({
          requestId: `r-${i}`,
          predictedAt: T0 + i * 97,
          correct: i % 3 === 0,
          latencyMs: i,
        }),
      );
      original.observe('routed', T0 + i * 97, T0 + 10_000);
      if (i % 7 === 0) written.push(...original.changes(T0 + i));
    }
    written.push(...original.changes(T0 + 99));
    const restored = folder(1);
    for (const record of written) restored.restore(record);
    for (const f of [original, restored]) {
      f.onEvaluation(evaluation({ requestId: 'late', predictedAt: T0 + 97 }));
    }
    const byKey = (records: ArmEvidence[]) =>
      new Map(buckets(records).map((r) => [EvidenceFolder.keyOf(r), { ...r, updatedAt: 0 }]));
    const originalChanges = original.changes(T0 + 200);
    expect(byKey(restored.changes(T0 + 200))).toEqual(byKey(originalChanges));
    expect(restored.currentWatermark).toBe(original.currentWatermark);
    // Which changes were published is not kept: the restored folder publishes every bucket once,
    // each as the original holds it.
    const state = (records: ArmEvidence[]) =>
      new Map(
        buckets(records).map((r) => [
          EvidenceFolder.keyOf(r),
          { ...r, updatedAt: 0, watermark: 0 },
        ]),
      );
    expect(state(restored.checkpoint(T0 + 300))).toEqual(state([...written, ...originalChanges]));
  });

  it('keeps the watermark at the lowest of its input topics, capped by the clock, never back', () => {
    const f = folder();
    f.observe('routed', T0 + 10_000, T0 + 20_000);
    f.observe('predictions', T0 + 9_000, T0 + 20_000);
    expect(f.currentWatermark).toBe(Number.NEGATIVE_INFINITY);
    f.observe('labels', T0 + 8_000, T0 + 20_000);
    expect(f.currentWatermark).toBe(T0 + 8_000);
    f.observe('labels', T0 + 30_000, T0 + 20_000);
    expect(f.currentWatermark).toBe(T0 + 9_000);
    f.caughtUp('predictions', T0 + 40_000);
    expect(f.currentWatermark).toBe(T0 + 10_000);
    f.caughtUp('routed', T0 + 40_000);
    expect(f.currentWatermark).toBe(T0 + 20_000);
    f.observe('labels', T0 + 1_000, T0 + 50_000);
    expect(f.currentWatermark).toBe(T0 + 20_000);
    const mark = f.checkpoint(T0 + 50_000).find((r) => r.rolloutId === '');
    expect(mark).toMatchObject({ sourcePartition: 0, watermark: T0 + 20_000 });
    expect(f.checkpoint(T0 + 50_001).find((r) => r.rolloutId === '')).toBeUndefined();
  });
});

describe('EvidenceFolder units and pairs', () => {
  it('counts a routing key once per rollout state, on the partition that owns it', () => {
    const owner = ownerPartition('user-7', 4);
    const counts = [0, 1, 2, 3].map((partition) => {
      const f = folder(partition);
      for (let i = 0; i < 5; i += 1)
        f.onRouted(routed({ requestId: `r-${i}`, routingKey: 'user-7' }));
      return buckets(f.checkpoint(T0))[0]?.units;
    });
    expect(counts).toEqual([0, 1, 2, 3].map((p) => (p === owner ? 1 : 0)));
  });

  it('counts every request without a routing key, and no shadow copy', () => {
    const f = folder();
    f.onRouted(routed({ routingKey: null }));
    f.onRouted(routed({ requestId: 'r-2', routingKey: '' }));
    f.onRouted(
      routed({ requestId: 'r-3', routingKey: null, role: 'SHADOW', served: false, variant: 'v-c' }),
    );
    const out = buckets(f.checkpoint(T0));
    expect(out.find((r) => r.role === 'STABLE')).toMatchObject({ routed: 2, units: 2 });
    expect(out.find((r) => r.role === 'SHADOW')).toMatchObject({ routed: 1, units: 0 });
  });

  it('counts a key again once the rollout state changed', () => {
    let terms = TERMS;
    const partition = ownerPartition('user-9', 4);
    const f = new EvidenceFolder({
      partition,
      partitions: 4,
      inputs: TOPICS,
      relativeAccuracy: 0.01,
      latenessMs: 0,
      terms: () => terms,
    });
    f.onRouted(routed({ routingKey: 'user-9' }));
    f.onRouted(routed({ requestId: 'r-2', routingKey: 'user-9' }));
    terms = { ...TERMS, epoch: 2 };
    f.onRouted(routed({ requestId: 'r-3', routingKey: 'user-9' }));
    expect(buckets(f.checkpoint(T0))[0]).toMatchObject({ routed: 3, units: 2 });
  });

  it('folds output and labelled pairs into the shadow arm, labelled ones within maturity only', () => {
    const f = folder();
    const base = { rolloutId: 'ro-1', model: 'weather', shadowVariant: 'v-c' };
    f.onOutputPair({ ...base, predictedAt: T0 + 10, agree: true });
    f.onOutputPair({ ...base, predictedAt: T0 + 20, agree: false });
    const labelled = {
      ...base,
      shadowPredictedAt: T0 + 10,
      stablePredictedAt: T0 + 9,
      labeledAt: T0 + 1_000,
    };
    f.onLabelledPair({ ...labelled, shadowCorrect: true, stableCorrect: false });
    f.onLabelledPair({ ...labelled, shadowCorrect: false, stableCorrect: true });
    f.onLabelledPair({ ...labelled, shadowCorrect: true, stableCorrect: true });
    f.onLabelledPair({
      ...labelled,
      labeledAt: T0 + 20_000,
      shadowCorrect: true,
      stableCorrect: false,
    });
    const [record] = buckets(f.checkpoint(T0));
    expect(record).toMatchObject({
      variant: 'v-c',
      role: 'SHADOW',
      served: false,
      outputPairs: 2,
      outputDisagreements: 1,
      labelledPairs: 3,
      shadowOnlyCorrect: 1,
      stableOnlyCorrect: 1,
    });
  });
});

describe('EvidenceFolder units across a restart', () => {
  it('restored with the keys it counted, counts exactly what an uninterrupted folder counts', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `user-${i % 37}`);
    const partition = 1;
    const run = (restartAt: number | null) => {
      let f = folder(partition);
      const evidence: ArmEvidence[] = [];
      const units: ReturnType<EvidenceFolder['drainUnits']> = [];
      keys.forEach((routingKey, i) => {
        if (i === restartAt) {
          const restored = folder(partition);
          for (const record of evidence) restored.restore(record);
          for (const unit of units) restored.restoreUnit(unit);
          f = restored;
        }
        f.onRouted(routed({ requestId: `r-${i}`, routingKey, routedAt: T0 + i * 10 }));
        evidence.push(...f.changes(T0 + i));
        units.push(...f.drainUnits());
      });
      // The latest record of each key, as the compacted changelog keeps them.
      const latest = new Map(buckets(evidence).map((r) => [EvidenceFolder.keyOf(r), r]));
      return [...latest.values()]
        .filter((r) => r.units > 0)
        .map((r) => [r.bucketStart, r.units])
        .sort((a, b) => (a[0] as number) - (b[0] as number));
    };
    const uninterrupted = run(null);
    expect(uninterrupted.length).toBeGreaterThan(0);
    expect(run(77)).toEqual(uninterrupted);
    expect(run(150)).toEqual(uninterrupted);
  });
});

describe('EvidenceFolder publication points', () => {
  const publishing = (closedIntervalMs?: number) =>
    new EvidenceFolder({
      partition: 0,
      partitions: 1,
      inputs: TOPICS,
      relativeAccuracy: 0.01,
      latenessMs: 0,
      publishing: {
        openIntervalMs: 1_000,
        ...(closedIntervalMs === undefined ? {} : { closedIntervalMs }),
      },
      terms: (id) => (id === TERMS.rolloutId ? TERMS : undefined),
    });
  const complete = (f: EvidenceFolder, upTo: number) => {
    for (const topic of TOPICS) f.caughtUp(topic, upTo);
  };
  const watermarks = (records: ArmEvidence[]) =>
    records.filter((r) => r.rolloutId === '').map((r) => r.watermark);

  it('publishes a new bucket at once, then an open one at most once per interval', () => {
    const f = publishing();
    f.onRouted(routed({ routedAt: T0 + 100 }));
    expect(buckets(f.checkpoint(T0 + 200))).toMatchObject([{ routed: 1 }]);
    f.onRouted(routed({ requestId: 'r-2', routedAt: T0 + 300 }));
    expect(buckets(f.checkpoint(T0 + 700))).toEqual([]);
    expect(buckets(f.checkpoint(T0 + 1_200))).toMatchObject([{ routed: 2 }]);
    // Every change is in the changelog's records, published or not.
    f.onRouted(routed({ requestId: 'r-3', routedAt: T0 + 400 }));
    expect(buckets(f.changes(T0 + 1_300))).toMatchObject([{ routed: 3 }]);
    expect(buckets(f.checkpoint(T0 + 1_300))).toEqual([]);
  });

  it('publishes a bucket when the watermark closes it and when it matures, before the watermark', () => {
    const f = publishing(60_000);
    f.onRouted(routed({ routedAt: T0 + 100 }));
    f.checkpoint(T0 + 200);
    f.onRouted(routed({ requestId: 'r-2', routedAt: T0 + 300 }));
    complete(f, T0 + 1_000);
    // The watermark passes the bucket's end: its routed count is final, published with it.
    const closing = f.checkpoint(T0 + 1_500);
    expect(closing.map((r) => r.rolloutId)).toEqual([TERMS.rolloutId, '']);
    expect(closing[0]).toMatchObject({ routed: 2, watermark: 0 });
    expect(watermarks(closing)).toEqual([T0 + 1_000]);
    // A label of the closed bucket waits for the closed interval or the maturity.
    f.onEvaluation(evaluation({ predictedAt: T0 + 150, labeledAt: T0 + 3_000 }));
    complete(f, T0 + 10_000);
    const labelled = f.checkpoint(T0 + 10_000);
    expect(buckets(labelled)).toEqual([]);
    expect(watermarks(labelled)).toEqual([T0 + 10_000]);
    complete(f, T0 + 16_000);
    const mature = f.checkpoint(T0 + 16_000);
    expect(buckets(mature)).toMatchObject([{ routed: 2, labelled: 1, watermark: T0 + 10_000 }]);
    expect(watermarks(mature)).toEqual([T0 + 16_000]);
  });

  it('publishes a closed bucket at most once per 1/30 of the maturity window (at least its width) by default, and the watermark once per interval', () => {
    const f = publishing();
    f.onRouted(routed({ routedAt: T0 + 100 }));
    complete(f, T0 + 1_000);
    f.checkpoint(T0 + 1_000);
    f.onEvaluation(evaluation({ predictedAt: T0 + 150, labeledAt: T0 + 1_100 }));
    complete(f, T0 + 1_500);
    expect(f.checkpoint(T0 + 1_500)).toEqual([]);
    f.onEvaluation(evaluation({ requestId: 'r-2', predictedAt: T0 + 150, labeledAt: T0 + 1_200 }));
    const later = f.checkpoint(T0 + 2_000);
    expect(buckets(later)).toMatchObject([{ labelled: 2 }]);
    expect(watermarks(later)).toEqual([T0 + 1_500]);
  });
});
