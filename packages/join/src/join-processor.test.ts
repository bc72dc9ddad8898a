import { describe, expect, it } from 'vitest';
import type { Evaluation } from '@kanary/contracts';
import type { ChangelogEntry } from './changelog.js';
import type { JoinConfigInput } from './join-config.js';
import type { JoinInput } from './join-input.js';
import { DAY, HOUR, T0, labelled, predicted, seededRandom } from './join.fixtures.js';
import { JoinProcessor } from './join-processor.js';
import type { ProcessorOutput } from './processor-output.js';

const TTL = 7 * DAY;

function started(config: JoinConfigInput = {}): JoinProcessor {
  const processor = new JoinProcessor({ ttlMs: TTL, ...config });
  processor.init({ now: T0 });
  return processor;
}

/** Feeds [input, now] steps and returns every evaluation, in order. */
function feed(processor: JoinProcessor, steps: Array<[JoinInput, number]>): Evaluation[] {
  return steps.flatMap(([input, now]) => processor.process(input, now).evaluations);
}

const variants = (evaluations: readonly Evaluation[]): string[] =>
  evaluations.map((e) => `${e.variant}:${e.role}:${String(e.correct)}`);

describe('JoinProcessor joins', () => {
  const expected: Evaluation = {
    logLoss: null,
    brier: null,
    segment: null,
    outcomes: null,
    requestId: 'req-1',
    model: 'fraud',
    rolloutId: 'ro-1',
    variant: 'v1',
    role: 'STABLE',
    served: true,
    correct: true,
    absError: null,
    latencyMs: 12,
    status: 'OK',
    predictedAt: T0,
    labeledAt: T0 + HOUR,
  };

  it.each<[string, Array<[JoinInput, number]>]>([
    [
      'prediction first',
      [
        [predicted(), T0],
        [labelled(), T0 + 2 * HOUR],
      ],
    ],
    [
      'label first',
      [
        [labelled(), T0 + HOUR],
        [predicted(), T0 + 2 * HOUR],
      ],
    ],
    [
      'label first, days before the prediction',
      [
        [labelled(), T0],
        [predicted(), T0 + 6 * DAY],
      ],
    ],
  ])('%s: one evaluation with the prediction and label fields', (_name, steps) => {
    expect(feed(started(), steps)).toEqual([expected]);
  });

  it.each<[string, boolean]>([
    ['prediction first', true],
    ['label first', false],
  ])(
    '%s: scores the class probabilities, carries the segment and the outcomes',
    (_name, predictionFirst) => {
      const steps: Array<[JoinInput, number]> = [
        [predicted({ scores: { fraud: 0.8, legit: 0.2 }, segment: 'eu' }), T0],
        [labelled({ outcomes: { amount: 120, chargeback: 0 } }), T0 + HOUR],
      ];
      const [evaluation] = feed(started(), predictionFirst ? steps : steps.reverse());
      expect(evaluation).toEqual({
        ...expected,
        // −ln 0.8; (1 − 0.8)² + 0.2²
        logLoss: expect.closeTo(0.2231435513142097, 12) as number,
        brier: expect.closeTo(0.08, 12) as number,
        segment: 'eu',
        outcomes: { amount: 120, chargeback: 0 },
      });
    },
  );

  it('scores a label that is none of the classes at the clipped log-loss', () => {
    const [evaluation] = feed(started(), [
      [predicted({ output: 'legit', scores: { fraud: 0.25, legit: 0.75 } }), T0],
      [labelled({ label: 'unknown' }), T0 + HOUR],
    ]);
    expect(evaluation).toMatchObject({ correct: false, logLoss: -Math.log(1e-4) });
    // 0.25² + 0.75² + 1 for the label's missing class.
    expect(evaluation?.brier).toBeCloseTo(1.625, 12);
  });

  it('gives no log-loss or Brier score to failed calls and to numeric labels', () => {
    const evaluations = feed(started(), [
      [predicted({ status: 'ERROR', output: null, scores: { fraud: 1 }, segment: 's' }), T0],
      [predicted({ variant: 'v2', output: '4', scores: { fraud: 0.5, legit: 0.5 } }), T0],
      [labelled({ label: '3' }), T0 + HOUR],
    ]);
    expect(evaluations.map((e) => [e.variant, e.absError, e.logLoss, e.brier, e.segment])).toEqual([
      ['v1', null, null, null, 's'],
      ['v2', 1, null, null, null],
    ]);
  });

  it('evaluates a prediction restored from a version-2 entry, without scores or segment', () => {
    const processor = new JoinProcessor({ ttlMs: TTL });
    const v2 = `{"v":2,"p":[["v1","fraud","ro-1","STABLE",1,"fraud",12,"OK",${T0},${T0 + TTL}]]}`;
    processor.restore([{ key: 'req-1', value: v2 }]);
    processor.init({ now: T0 });
    const out = processor.process(labelled({ outcomes: { amount: 7 } }), T0 + HOUR);
    expect(out.evaluations).toEqual([{ ...expected, outcomes: { amount: 7 } }]);
    expect((out.changelog[0]?.value as Uint8Array)[0]).toBe(4);
  });

  it('matches a stable, a canary and a shadow for one request once each', () => {
    const processor = started();
    const evaluations = feed(processor, [
      [predicted({ variant: 'v1', role: 'STABLE' }), T0],
      [predicted({ variant: 'v2', role: 'SHADOW', served: false, output: 'legit' }), T0],
      [predicted({ variant: 'v3', role: 'CANARY', output: 'fraud' }), T0],
      [labelled(), T0 + HOUR],
      [predicted({ variant: 'v1', role: 'STABLE' }), T0 + HOUR],
      [predicted({ variant: 'v2', role: 'SHADOW', served: false }), T0 + HOUR],
    ]);
    expect(variants(evaluations)).toEqual(['v1:STABLE:true', 'v2:SHADOW:false', 'v3:CANARY:true']);
    expect(evaluations[1]?.served).toBe(false);
  });

  it('matches a shadow prediction that arrives after the label was matched', () => {
    const processor = started();
    feed(processor, [
      [predicted({ variant: 'v1' }), T0],
      [labelled(), T0 + HOUR],
    ]);
    const late = processor.process(predicted({ variant: 'v2', role: 'SHADOW' }), T0 + 3 * DAY);
    expect(variants(late.evaluations)).toEqual(['v2:SHADOW:true']);
    // The label is kept TTL after its latest match, then retired without counting as expired.
    expect(processor.punctuate(T0 + 3 * DAY + TTL - 1).changelog).toEqual([]);
    const retired = processor.punctuate(T0 + 3 * DAY + TTL);
    expect(retired.expired).toEqual([]);
    expect(retired.changelog).toEqual([{ key: 'req-1', value: null }]);
    expect(processor.stats().entries).toBe(0);
  });

  it('ignores a duplicate prediction, pending or already evaluated; the first one counts', () => {
    const processor = started();
    const first = processor.process(predicted({ output: 'fraud' }), T0);
    const pendingDuplicate = processor.process(predicted({ output: 'legit' }), T0 + 1);
    expect(pendingDuplicate.ignored).toEqual([
      {
        kind: 'prediction',
        reason: 'DUPLICATE',
        requestId: 'req-1',
        model: 'fraud',
        variant: 'v1',
      },
    ]);
    expect(pendingDuplicate.changelog).toEqual([]);
    expect(first.changelog).toHaveLength(1);
    expect(variants(processor.process(labelled(), T0 + HOUR).evaluations)).toEqual([
      'v1:STABLE:true',
    ]);
    const lateDuplicate = processor.process(predicted(), T0 + 2 * HOUR);
    expect([lateDuplicate.evaluations, lateDuplicate.ignored.length]).toEqual([[], 1]);
    const m = processor.metrics.snapshot(T0 + 2 * HOUR).variants[0];
    expect([m?.predictions, m?.labelled]).toEqual([1, 1]);
  });

  it.each<[string, Array<[JoinInput, number]>]>([
    [
      'before any prediction',
      [
        [labelled({ label: 'fraud' }), T0],
        [labelled({ label: 'legit' }), T0 + 1],
      ],
    ],
    [
      'after matching',
      [
        [predicted({ variant: 'v1' }), T0],
        [labelled({ label: 'fraud' }), T0 + 1],
        [labelled({ label: 'legit' }), T0 + 2],
      ],
    ],
  ])('ignores a duplicate label %s; the first label decides', (_name, steps) => {
    const processor = started();
    const outputs = steps.map(([input, now]) => processor.process(input, now));
    expect(outputs.at(-1)?.ignored.map((i) => `${i.kind}:${i.reason}`)).toEqual([
      'label:DUPLICATE',
    ]);
    const shadow = processor.process(predicted({ variant: 'v9', role: 'SHADOW' }), T0 + 3);
    expect(variants(shadow.evaluations)).toEqual(['v9:SHADOW:true']);
    const labels = processor.metrics.snapshot(T0).labels[0];
    expect([labels?.labels, labels?.duplicateLabels]).toEqual([1, 1]);
  });

  it('ignores a requestId in the reserved changelog key space', () => {
    const out = started().process(predicted({ requestId: '\u0000s' }), T0);
    expect([out.ignored[0]?.reason, out.changelog]).toEqual(['RESERVED_KEY', []]);
  });
});

describe('JoinProcessor classification', () => {
  it('evaluates ERROR and TIMEOUT predictions as wrong, without an error size', () => {
    const processor = started();
    const evaluations = feed(processor, [
      [predicted({ variant: 'v1', status: 'ERROR', output: null, error: 'boom' }), T0],
      [predicted({ variant: 'v2', status: 'TIMEOUT', output: null }), T0],
      [predicted({ variant: 'v3' }), T0],
      [labelled(), T0 + HOUR],
    ]);
    expect(evaluations.map((e) => [e.variant, e.status, e.correct, e.absError])).toEqual([
      ['v1', 'ERROR', false, null],
      ['v2', 'TIMEOUT', false, null],
      ['v3', 'OK', true, null],
    ]);
    const [v1, v2] = processor.metrics.snapshot(T0).variants;
    expect([v1?.errors, v1?.errorRate, v2?.timeouts, v2?.errorRate]).toEqual([1, 1, 1, 1]);
  });

  it('scores numeric labels by absolute error within the configured tolerance', () => {
    const processor = started({ numericTolerance: 0.5 });
    const evaluations = feed(processor, [
      [predicted({ variant: 'near', output: '10.25' }), T0],
      [predicted({ variant: 'far', output: '11' }), T0],
      [labelled({ label: '10' }), T0 + HOUR],
    ]);
    expect(evaluations.map((e) => [e.variant, e.correct, e.absError])).toEqual([
      ['near', true, 0.25],
      ['far', false, 1],
    ]);
    const snapshot = processor.metrics.snapshot(T0);
    expect(snapshot.variants.map((v) => [v.variant, v.meanAbsError])).toEqual([
      ['far', 1],
      ['near', 0.25],
    ]);
  });
});

describe('JoinProcessor expiry', () => {
  it('expires a prediction TTL after it was processed, per item, and counts it', () => {
    const processor = started();
    feed(processor, [
      [predicted({ variant: 'v1' }), T0],
      [predicted({ variant: 'v2', role: 'SHADOW' }), T0 + 2 * DAY],
    ]);
    expect(processor.punctuate(T0 + TTL - 1).expired).toEqual([]);
    const out = processor.punctuate(T0 + TTL);
    expect(out.expired).toEqual([
      {
        kind: 'prediction',
        reason: 'TTL',
        requestId: 'req-1',
        model: 'fraud',
        rolloutId: 'ro-1',
        variant: 'v1',
        role: 'STABLE',
        served: true,
        predictedAt: T0,
        at: T0 + TTL,
      },
    ]);
    expect(out.changelog.map((c) => c.key)).toEqual(['req-1']);
    expect(processor.stats().pendingPredictions).toBe(1);
    // The remaining shadow still joins.
    expect(variants(processor.process(labelled(), T0 + TTL + 1).evaluations)).toEqual([
      'v2:SHADOW:true',
    ]);
    const [v1, v2] = processor.metrics.snapshot(T0 + TTL + 1).variants;
    expect([v1?.expiredPredictions, v1?.labelCoverage, v1?.pending]).toEqual([1, 0, 0]);
    expect([v2?.expiredPredictions, v2?.labelCoverage, v2?.pending]).toEqual([0, 1, 0]);
  });

  it('expires an unmatched label and then lets a later prediction wait afresh', () => {
    const processor = started();
    processor.process(labelled(), T0);
    const out = processor.punctuate(T0 + TTL);
    expect(out.expired.map((e) => `${e.kind}:${e.reason}`)).toEqual(['label:TTL']);
    expect(out.changelog).toEqual([{ key: 'req-1', value: null }]);
    expect(processor.process(predicted(), T0 + TTL + 1).evaluations).toEqual([]);
    const labels = processor.metrics.snapshot(T0).labels[0];
    expect([labels?.expiredLabels, labels?.pendingLabels]).toEqual([1, 0]);
    expect(processor.stats()).toMatchObject({
      entries: 1,
      pendingPredictions: 1,
      pendingLabels: 0,
    });
  });

  it('evicts the entry closest to expiry when the store is full, and counts it', () => {
    const processor = started({ maxPending: 3 });
    feed(processor, [
      [predicted({ requestId: 'a' }), T0 + 2],
      [labelled({ requestId: 'b' }), T0 + 1],
      [predicted({ requestId: 'c' }), T0 + 3],
    ]);
    const first = processor.process(predicted({ requestId: 'd' }), T0 + 4);
    expect(first.expired.map((e) => `${e.requestId}:${e.kind}:${e.reason}`)).toEqual([
      'b:label:EVICTED',
    ]);
    expect(first.changelog).toEqual([
      { key: 'b', value: null },
      expect.objectContaining({ key: 'd' }),
    ]);
    const second = processor.process(labelled({ requestId: 'e' }), T0 + 5);
    expect(second.expired.map((e) => `${e.requestId}:${e.kind}`)).toEqual(['a:prediction']);
    expect(processor.stats().entries).toBe(3);
    const v = processor.metrics.snapshot(T0).variants[0];
    expect([v?.expiredPredictions, v?.pending]).toEqual([1, 2]);
    expect(processor.metrics.snapshot(T0).labels[0]?.evictedLabels).toBe(1);
  });
});

describe('JoinProcessor life cycle and metrics schedule', () => {
  it('refuses work before init and after close, and restore after init', () => {
    const processor = new JoinProcessor();
    expect(() => processor.process(predicted(), T0)).toThrow(/phase running/);
    processor.init({ now: T0 });
    expect(() => processor.restore([])).toThrow(/phase restoring/);
    processor.close();
    expect(() => processor.punctuate(T0)).toThrow(/phase running/);
  });

  it('emits a cumulative snapshot every metricsIntervalMs of punctuation', () => {
    const processor = started({ metricsIntervalMs: 10_000 });
    feed(processor, [
      [predicted({ latencyMs: 10, scores: { fraud: 0.8, legit: 0.2 }, segment: 'eu' }), T0],
      [labelled({ outcomes: { amount: 120 } }), T0 + 1],
      [predicted({ requestId: 'req-2', latencyMs: 10, output: 'legit', segment: 'eu' }), T0],
      [labelled({ requestId: 'req-2', outcomes: { amount: 30 } }), T0 + 1],
    ]);
    const snapshots = [T0 + 9_999, T0 + 10_000, T0 + 15_000, T0 + 20_000].map(
      (now) => processor.punctuate(now).metrics,
    );
    expect(snapshots.map((s) => s?.at ?? null)).toEqual([null, T0 + 10_000, null, T0 + 20_000]);
    expect(snapshots[1]?.variants).toEqual([
      {
        rolloutId: 'ro-1',
        model: 'fraud',
        variant: 'v1',
        role: 'STABLE',
        predictions: 2,
        labelled: 2,
        correct: 1,
        accuracy: 0.5,
        meanAbsError: null,
        rootMeanSquaredError: null,
        // One prediction with probabilities: −ln 0.8, (1 − 0.8)² + 0.2².
        logLoss: expect.closeTo(0.2231435513142097, 12) as number,
        brier: expect.closeTo(0.08, 12) as number,
        outcomes: { amount: 75 },
        segments: [{ segment: 'eu', labelled: 2, correct: 1, accuracy: 0.5 }],
        errors: 0,
        timeouts: 0,
        errorRate: 0,
        latencyP50: expect.closeTo(10, 0) as number,
        latencyP95: expect.closeTo(10, 0) as number,
        latencyP99: expect.closeTo(10, 0) as number,
        expiredPredictions: 0,
        pending: 0,
        labelCoverage: 1,
        at: T0 + 10_000,
      },
    ]);
  });
});

describe('JoinProcessor changelog', () => {
  it('writes one entry per changed key whose value restores the same state', () => {
    const processor = started();
    const outputs: ProcessorOutput[] = [
      processor.process(predicted({ variant: 'v1' }), T0),
      processor.process(predicted({ variant: 'v2', requestId: 'req-2' }), T0),
      processor.process(labelled(), T0 + HOUR),
    ];
    expect(outputs.map((o) => o.changelog.map((c) => c.key))).toEqual([
      ['req-1'],
      ['req-2'],
      ['req-1'],
    ]);
    const restored = new JoinProcessor({ ttlMs: TTL });
    restored.restore(outputs.flatMap((o) => o.changelog));
    restored.restore(processor.flush());
    restored.init({ now: T0 + HOUR });
    expect(restored.stats()).toEqual(processor.stats());
    expect(restored.metrics.snapshot(T0)).toEqual(processor.metrics.snapshot(T0));
  });
});

describe('JoinProcessor.processAll', () => {
  it('gives what process gives record by record: evaluations, ignores, and the last changelog value of each key', () => {
    const random = seededRandom(7);
    const inputs: JoinInput[] = [];
    for (let i = 0; i < 400; i++) {
      const requestId = `req-${Math.floor(random() * 120)}`;
      const variant = random() < 0.7 ? 'v1' : 'v2';
      inputs.push(
        random() < 0.5
          ? predicted({ requestId, variant, role: variant === 'v1' ? 'STABLE' : 'SHADOW' })
          : labelled({ requestId, label: random() < 0.8 ? 'fraud' : 'ok' }),
      );
    }
    const one = started();
    const each = inputs.map((input) => one.process(input, T0 + HOUR));
    const all = started().processAll(inputs, T0 + HOUR);

    expect(all.evaluations).toEqual(each.flatMap((o) => o.evaluations));
    expect(all.ignored).toEqual(each.flatMap((o) => o.ignored));
    const lastValues = new Map<string, ChangelogEntry['value']>();
    for (const o of each) for (const { key, value } of o.changelog) lastValues.set(key, value);
    expect(new Map(all.changelog.map((e) => [e.key, e.value]))).toEqual(lastValues);
    expect(all.changelog).toHaveLength(lastValues.size);
    expect(all.evaluations.length).toBeGreaterThan(50);
    expect(all.ignored.length).toBeGreaterThan(10);
  });
});
