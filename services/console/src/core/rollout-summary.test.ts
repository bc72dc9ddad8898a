import { accuracyInterval } from '@kanary/charts';
import {
  exampleEvents,
  type Candidate,
  type DecisionReport,
  type RolloutState,
} from '@kanary/contracts';
import { EvidenceBook } from '@kanary/evidence';
import { RolloutHistory } from '@kanary/rollout-client';
import { describe, expect, it } from 'vitest';
import { ARMS, EvidenceSource, SPLIT_TRAFFIC, T0, TERMS, scoredBook } from './evidence.fixtures.js';
import { actionsFor, summarise } from './rollout-summary.js';

const state = (over: Partial<RolloutState>): RolloutState => ({
  ...exampleEvents.RolloutState,
  ...over,
});

describe('actionsFor', () => {
  it.each([
    { phase: 'CANARY', verbs: ['pause', 'promote', 'rollback'] },
    { phase: 'SHADOW', verbs: ['pause', 'promote', 'rollback'] },
    { phase: 'PAUSED', verbs: ['resume', 'promote', 'rollback'] },
    { phase: 'PROMOTED', verbs: [] },
    { phase: 'ROLLED_BACK', verbs: [] },
  ] as const)('$phase, step approved → $verbs', ({ phase, verbs }) => {
    expect(actionsFor(state({ phase }))).toEqual(verbs);
  });

  it('offers approve while the current step has no approval', () => {
    expect(actionsFor(state({ approval: null }))).toEqual([
      'pause',
      'promote',
      'rollback',
      'approve',
    ]);
    expect(actionsFor(state({ stepIndex: 2 }))).toContain('approve');
  });
});

describe('summarise', () => {
  /** Two evaluator instances, one source partition each, as the evidence topic holds them. */
  function twoInstances() {
    const book = new EvidenceBook();
    const p0 = new EvidenceSource(0, 2, TERMS);
    const p1 = new EvidenceSource(1, 2, TERMS);
    const [share0, share1] = SPLIT_TRAFFIC.partitions;
    p0.fold({ ...ARMS.canary, at: T0 + 100, ...share0 });
    p0.fold({ ...ARMS.stable, at: T0 + 100, routed: 500, labelled: 400, correct: 300 });
    p1.fold({ ...ARMS.canary, at: T0 + 100, ...share1 });
    for (const record of [...p0.checkpoint(T0 + 20_000), ...p1.checkpoint(T0 + 20_000)]) {
      book.apply(record);
    }
    return { book, p0, p1 };
  }

  it('shows each arm summed over every source partition, with its always-valid interval, and actions only for the current rollout', () => {
    const { book } = twoInstances();
    const history = new RolloutHistory();
    const s1 = state({ rolloutId: 'r1', model: 'm', stable: 'v1', canary: 'v2', phase: 'CANARY' });
    history.record({ kind: 'state', value: s1 });
    const record = history.get('r1')!;
    const current = summarise(record, s1, { book, low: book.progress().low });
    expect(current.current).toBe(true);
    expect(current.actions).toEqual(['pause', 'promote', 'rollback']);
    expect(current.evidenceWatermark).toBe(T0 + 20_000);
    expect(current.arms.map((a) => a.role)).toEqual(['stable', 'canary']);
    const canary = current.arms[1]!;
    expect(canary).toMatchObject({
      ...SPLIT_TRAFFIC.sum,
      variant: 'v2',
      served: true,
      // The bucket [T0, T0 + 1 s) is mature at T0 + 16 s: coverage 300 / 400.
      labelCoverage: 0.75,
      expired: 100,
      pending: 0,
      at: T0 + 1_000,
    });
    expect(canary.accuracyLower!).toBeLessThan(0.85);
    expect(canary.accuracyUpper!).toBeGreaterThan(0.85);
    expect(canary.latencyP50).toBeCloseTo(20, 0);

    const past = summarise(record, state({ rolloutId: 'r2', model: 'm' }), { book, low: null });
    expect(past.current).toBe(false);
    expect(past.actions).toEqual([]);
    expect(past.phase).toBe('CANARY');
    // Before every partition reports a watermark nothing is mature.
    expect(past.arms[1]).toMatchObject({ labelCoverage: null, expired: 0, pending: 100 });
  });

  it('gives each arm its mean metrics and outcome means, and per segment accuracy with its always-valid interval and MAE, over every source partition', () => {
    const book = scoredBook();
    const history = new RolloutHistory();
    history.record({ kind: 'state', value: state({ rolloutId: 'r1', model: 'm' }) });
    const [stable, canary] = summarise(history.get('r1')!, undefined, {
      book,
      low: book.progress().low,
    }).arms;
    expect(stable).toMatchObject({
      meanAbsError: null,
      rootMeanSquaredError: null,
      outcomes: { umbrellasSold: 3 },
    });
    expect(stable!.logLoss).toBeCloseTo(0.0943, 12);
    expect(stable!.brier).toBeCloseTo(0.0126, 12);
    expect(stable!.segments).toMatchObject([
      { segment: 'spring', labelled: 20, correct: 15, accuracy: 0.75, mae: null },
    ]);
    // |e| = i mod 4 for i = 0…39 in each partition: mean 1.5, mean square 3.5.
    expect(canary).toMatchObject({ meanAbsError: 1.5, logLoss: null, brier: null });
    expect(canary!.rootMeanSquaredError).toBeCloseTo(Math.sqrt(3.5), 12);
    expect(canary!.outcomes).toEqual({ revenue: 10 });
    const [north, south] = canary!.segments;
    expect(north).toMatchObject({ segment: 'north', labelled: 60, correct: 60, accuracy: 1 });
    expect(north!.mae).toBeCloseTo(43 / 30, 12);
    // The segment's own always-valid interval, from its own counts.
    const northInterval = accuracyInterval({ labelled: 60, correct: 60 })!;
    expect([north!.accuracyLower, north!.accuracyUpper]).toEqual([
      northInterval.lower,
      northInterval.upper,
    ]);
    expect(north!.accuracyLower!).toBeGreaterThan(0.7);
    expect(north!.accuracyLower!).toBeLessThan(1);
    expect(south).toMatchObject({ segment: 'south', labelled: 20, correct: 0, accuracy: 0 });
    expect(south!.mae).toBeCloseTo(1.7, 12);
    expect(south!.accuracyLower).toBe(0);
    expect(south!.accuracyUpper).toBe(accuracyInterval({ labelled: 20, correct: 0 })!.upper);
    expect(south!.accuracyUpper!).toBeLessThan(1);
  });

  it('counts a partition republished by another instance (a rebalance) once: the latest record of a key wins', () => {
    const { book, p1 } = twoInstances();
    p1.fold({ ...ARMS.canary, at: T0 + 100, routed: 10, labelled: 10, correct: 10 });
    for (const record of p1.checkpoint(T0 + 21_000)) book.apply(record);
    const history = new RolloutHistory();
    history.record({ kind: 'state', value: state({ rolloutId: 'r1', model: 'm' }) });
    const { arms } = summarise(history.get('r1')!, undefined, { book, low: book.progress().low });
    expect(arms.find((a) => a.role === 'canary')).toMatchObject({
      routed: 410,
      labelled: 310,
      correct: 265,
    });
  });

  it('names the variants from the evidence when the states no longer do (seen only after a promotion)', () => {
    const { book } = twoInstances();
    const history = new RolloutHistory();
    const promoted = state({
      rolloutId: 'r1',
      model: 'm',
      phase: 'PROMOTED',
      stable: 'v2',
      canary: null,
    });
    history.record({ kind: 'state', value: promoted });
    const summary = summarise(history.get('r1')!, promoted, { book, low: null });
    expect([summary.stable, summary.canary]).toEqual(['v1', 'v2']);
    expect(summary.actions).toEqual([]);
  });
});

describe('an A/B/n rollout', () => {
  const candidate = (variant: string, over: Partial<Candidate> = {}): Candidate => ({
    variant,
    status: 'LIVE',
    weight: 0.05,
    stepIndex: 0,
    stepStartedAt: T0,
    changedAt: T0,
    ...over,
  });
  const abn = state({
    rolloutId: 'r1',
    model: 'm',
    stable: 'v1',
    canary: null,
    phase: 'CANARY',
    approval: null,
    stepIndex: 1,
    candidates: [
      candidate('a', { weight: 0.2, stepIndex: 1 }),
      candidate('b', { status: 'ROLLED_BACK', weight: 0 }),
    ],
  });
  const decision = (over: Partial<DecisionReport>): DecisionReport => ({
    ...exampleEvents.DecisionReport,
    rolloutId: 'r1',
    model: 'm',
    approvedBy: null,
    awaitingApproval: null,
    ...over,
  });
  function book() {
    const b = new EvidenceBook();
    const arm = (variant: string) => ({ ...ARMS.canary, variant });
    const records = new EvidenceSource(0, 1, TERMS)
      .fold({ ...ARMS.stable, at: T0 + 100, routed: 100, labelled: 100, correct: 80 })
      .fold({ ...arm('a'), at: T0 + 100, routed: 40, labelled: 40, correct: 34 })
      .fold({ ...arm('b'), at: T0 + 100, routed: 20, labelled: 20, correct: 12 })
      .checkpoint(T0 + 20_000);
    for (const record of records) b.apply(record);
    return b;
  }

  it('summarises each candidate: status, weight, step, its arm against the stable and the latest decision about it', () => {
    const history = new RolloutHistory();
    history.record({ kind: 'state', value: abn });
    const decisions = [
      decision({ candidate: 'b', action: 'ROLLBACK', stepIndex: 0, reason: 'b is worse' }),
      decision({ candidate: 'a', action: 'HOLD', stepIndex: 0, reason: 'early' }),
      decision({ candidate: 'a', action: 'HOLD', stepIndex: 1, awaitingApproval: 'PROMOTE' }),
    ];
    for (const value of decisions) history.record({ kind: 'decision', value });
    const b = book();
    const summary = summarise(history.get('r1')!, abn, { book: b, low: b.progress().low });
    expect(summary.actions).toEqual(['pause', 'rollback', 'approve']);
    const [a, rolledBack] = summary.candidates;
    expect(a).toMatchObject({
      variant: 'a',
      status: 'LIVE',
      weight: 0.2,
      stepIndex: 1,
      arm: { variant: 'a', labelled: 40, accuracy: 0.85 },
      lastDecision: { candidate: 'a', stepIndex: 1 },
      awaitingApproval: 'PROMOTE',
      actions: ['promote', 'rollback'],
    });
    expect(a!.accuracyVsStable).toBeCloseTo(0.05, 12);
    expect(rolledBack).toMatchObject({
      variant: 'b',
      status: 'ROLLED_BACK',
      arm: { accuracy: 0.6 },
      lastDecision: { action: 'ROLLBACK', reason: 'b is worse' },
      awaitingApproval: null,
      actions: [],
    });
    expect(rolledBack!.accuracyVsStable).toBeCloseTo(-0.2, 12);
    // A past rollout shows its candidates without buttons.
    const past = summarise(history.get('r1')!, state({ rolloutId: 'r2' }), {
      book: b,
      low: null,
    });
    expect(past.candidates.map((c) => c.actions)).toEqual([[], []]);
  });

  it('has no candidates for a rollout with one canary', () => {
    const history = new RolloutHistory();
    const s1 = state({ rolloutId: 'r1', model: 'm', stable: 'v1', canary: 'v2' });
    history.record({ kind: 'state', value: s1 });
    const b = book();
    expect(summarise(history.get('r1')!, s1, { book: b, low: null }).candidates).toEqual([]);
  });
});
