import type { ArmEvidence } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { EvidenceBook } from './evidence-book.js';
import type { EvidenceFolder } from './evidence-folder.js';
import { MeanMetric, momentsOf } from './mean-moments.js';
import { T0, evaluation, routed, twoPartitionFolder } from './evidence.fixtures.js';

const folder = twoPartitionFolder;

describe('EvidenceBook', () => {
  it('sums every source partition once, from the latest record of each key', () => {
    const book = new EvidenceBook();
    const parts = [folder(0), folder(1)];
    const log: ArmEvidence[] = [];
    let correct = 0;
    for (let i = 0; i < 40; i += 1) {
      const f = parts[i % 2] as EvidenceFolder;
      f.onRouted(routed({ requestId: `r-${i}`, routedAt: T0 + i * 300 }));
      f.onEvaluation(
        evaluation({
          requestId: `r-${i}`,
          predictedAt: T0 + i * 300,
          correct: i % 4 !== 0,
          latencyMs: 10 + i,
        }),
      );
      if (i % 4 !== 0) correct += 1;
      // Every version of a key reaches the book, as a reader of the topic sees them.
      if (i % 3 === 0) log.push(...f.checkpoint(T0 + i));
    }
    for (const f of parts) log.push(...f.checkpoint(T0 + 1_000));
    for (const record of log) book.apply(record);
    const [stable] = book.armTotals('ro-1');
    expect(stable?.counts).toMatchObject({ routed: 40, labelled: 40, correct });
    expect(stable?.latency.count).toBe(40);
    expect(book.rolloutIds()).toEqual(['ro-1']);
  });

  it('sums mean metrics by metric and segments by name over partitions and buckets', () => {
    const book = new EvidenceBook();
    const parts = [folder(0), folder(1)];
    for (let i = 0; i < 8; i += 1) {
      (parts[i % 2] as EvidenceFolder).onEvaluation(
        evaluation({
          requestId: `r-${i}`,
          predictedAt: T0 + i * 700,
          absError: i,
          logLoss: i / 4,
          segment: i < 6 ? 'eu' : 'us',
          correct: i % 2 === 0,
        }),
      );
    }
    for (const f of parts) for (const r of f.checkpoint(T0 + 10_000)) book.apply(r);
    expect(book.buckets('ro-1').length).toBeGreaterThan(2);
    const [totals] = book.armTotals('ro-1');
    if (totals === undefined) throw new Error('no totals');
    // Σi = 28, Σi² = 140, Σi⁴ = 4,676 over i = 0…7.
    expect(momentsOf(totals, MeanMetric.ABS_ERROR)).toEqual({ n: 8, sum: 28, squares: 140 });
    expect(momentsOf(totals, MeanMetric.SQUARED_ERROR)).toEqual({ n: 8, sum: 140, squares: 4676 });
    expect(momentsOf(totals, MeanMetric.LOG_LOSS)).toEqual({ n: 8, sum: 7, squares: 8.75 });
    expect(totals.segments.get('eu')).toMatchObject({ labelled: 6, correct: 3 });
    expect(totals.segments.get('us')).toMatchObject({ labelled: 2, correct: 1 });
    expect(momentsOf(totals.segments.get('us') ?? { means: new Map() }, 'absError')).toEqual({
      n: 2,
      sum: 13,
      squares: 85,
    });
  });

  it('counts a version applied after the buckets were read, and only the latest version', () => {
    const book = new EvidenceBook();
    const f = folder(0);
    f.onEvaluation(evaluation({ requestId: 'a', predictedAt: T0, correct: true, latencyMs: 5 }));
    for (const r of f.checkpoint(T0)) book.apply(r);
    const [first] = book.buckets('ro-1');
    expect(book.buckets('ro-1')[0]).toBe(first);
    f.onEvaluation(evaluation({ requestId: 'b', predictedAt: T0, correct: false, latencyMs: 9 }));
    for (const r of f.checkpoint(T0 + 1)) book.apply(r);
    f.onEvaluation(evaluation({ requestId: 'c', predictedAt: T0, correct: true, latencyMs: 7 }));
    for (const r of f.checkpoint(T0 + 2)) book.apply(r);
    const buckets = book.buckets('ro-1');
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.counts).toMatchObject({ labelled: 3, correct: 2 });
    expect(buckets[0]?.latency.count).toBe(3);
  });

  it('knows the lowest watermark only once every source partition has one', () => {
    const book = new EvidenceBook();
    const a = folder(0);
    a.observe('routed', T0 + 5_000, T0 + 10_000);
    for (const r of a.checkpoint(T0)) book.apply(r);
    expect(book.progress()).toMatchObject({ partitions: 2, low: null });
    const b = folder(1);
    b.observe('routed', T0 + 3_000, T0 + 10_000);
    for (const r of b.checkpoint(T0)) book.apply(r);
    expect(book.progress().low).toBe(T0 + 3_000);
  });
});
