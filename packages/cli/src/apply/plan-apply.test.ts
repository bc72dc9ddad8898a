import { exampleEvents, type Candidate, type RolloutState } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { planApply } from './plan-apply.js';
import type { RolloutSpec } from './rollout-spec.js';

const spec = (over: Partial<RolloutSpec> = {}): RolloutSpec => ({
  model: 'weather',
  stable: 'v1',
  canary: 'v2',
  candidates: [],
  shadows: [],
  policy: { steps: [0.1, 0.5] },
  rolloutId: null,
  ...over,
});

const state = (over: Partial<RolloutState> = {}): RolloutState => ({
  ...exampleEvents.RolloutState,
  model: 'weather',
  rolloutId: 'r1',
  phase: 'CANARY',
  stable: 'v1',
  canary: 'v2',
  shadows: [],
  policy: '{"steps":[0.1,0.5]}',
  ...over,
});

const canary = state();
const shadowMode = state({ phase: 'SHADOW', canaryWeight: 0, stepIndex: -1, shadows: ['v3'] });
const paused = state({ phase: 'PAUSED', pausedFrom: 'CANARY' });
const rolledBack = state({ phase: 'ROLLED_BACK', canaryWeight: 0 });
const promoted = state({ phase: 'PROMOTED', stable: 'v2', canary: null, canaryWeight: 0 });

// A/B/n: candidates a, b, c against v1.
const abnSpec = (over: Partial<RolloutSpec> = {}): RolloutSpec =>
  spec({ canary: null, candidates: ['a', 'b', 'c'], ...over });
const candidate = (variant: string, status: Candidate['status'] = 'LIVE'): Candidate => ({
  variant,
  status,
  weight: status === 'LIVE' ? 0.05 : 0,
  stepIndex: 0,
  stepStartedAt: 0,
  changedAt: 0,
});
const abn = state({
  canary: null,
  canaryWeight: 0.15,
  candidates: [candidate('a'), candidate('b'), candidate('c')],
});
const abnOneBack = state({
  canary: null,
  canaryWeight: 0.1,
  candidates: [candidate('a'), candidate('b', 'ROLLED_BACK'), candidate('c')],
});
const abnRolledBack = state({
  phase: 'ROLLED_BACK',
  canary: null,
  canaryWeight: 0,
  candidates: ['a', 'b', 'c'].map((v) => candidate(v, 'ROLLED_BACK')),
});
const abnPromoted = state({
  phase: 'PROMOTED',
  stable: 'b',
  canary: null,
  canaryWeight: 0,
  candidates: [candidate('a', 'ENDED'), candidate('b', 'PROMOTED'), candidate('c', 'ENDED')],
});

describe('planApply', () => {
  it.each<[string, RolloutSpec, RolloutState | undefined, boolean, string]>([
    // model without a rollout
    ['first rollout', spec(), undefined, false, 'start'],
    ['no canary, no rollout', spec({ canary: null }), undefined, false, 'refused'],
    // live rollout, same spec
    ['same live canary', spec(), canary, false, 'unchanged'],
    [
      'same, policy keys in another order',
      spec({ policy: { steps: [0.1, 0.5] } }),
      state({ policy: '{ "steps": [0.1, 0.5] }' }),
      false,
      'unchanged',
    ],
    [
      'same shadow rollout, shadows in another order',
      spec({ shadows: ['v3'] }),
      shadowMode,
      false,
      'unchanged',
    ],
    ['same paused rollout', spec(), paused, false, 'unchanged'],
    ['same, pinned to its id', spec({ rolloutId: 'r1' }), canary, false, 'unchanged'],
    [
      'live rollout started without a policy, spec without one',
      spec({ policy: {} }),
      state({ policy: null }),
      false,
      'unchanged',
    ],
    // live rollout, changed spec
    ['other canary', spec({ canary: 'v9' }), canary, false, 'refused'],
    ['other policy', spec({ policy: { steps: [0.2] } }), canary, false, 'refused'],
    ['other shadows', spec({ shadows: ['v4'] }), shadowMode, false, 'refused'],
    ['pinned to another id', spec({ rolloutId: 'r2' }), canary, false, 'refused'],
    ['other canary, forced', spec({ canary: 'v9' }), canary, true, 'start'],
    ['other policy of a paused rollout, forced', spec({ policy: {} }), paused, true, 'start'],
    ['other stable, forced', spec({ stable: 'v0', canary: 'v9' }), canary, true, 'refused'],
    [
      'changed settings under the live id, forced',
      spec({ rolloutId: 'r1', canary: 'v9' }),
      canary,
      true,
      'refused',
    ],
    ['no canary: ends the live rollout', spec({ canary: null }), canary, false, 'refused'],
    ['no canary, forced: rollback', spec({ canary: null }), canary, true, 'finish'],
    ['no canary, forced: promote', spec({ canary: null, stable: 'v2' }), canary, true, 'finish'],
    [
      'no canary naming neither variant, forced',
      spec({ canary: null, stable: 'v7' }),
      canary,
      true,
      'refused',
    ],
    // finished rollouts
    ['promoted: the spec that ran', spec(), promoted, false, 'unchanged'],
    ['promoted: the spec that ran, forced', spec(), promoted, true, 'unchanged'],
    ['promoted: spec after it', spec({ stable: 'v2', canary: null }), promoted, false, 'unchanged'],
    ['promoted: next rollout', spec({ stable: 'v2', canary: 'v3' }), promoted, false, 'start'],
    [
      'promoted: next rollout from the old stable',
      spec({ canary: 'v3' }),
      promoted,
      false,
      'refused',
    ],
    ['promoted: no canary, other stable', spec({ canary: null }), promoted, false, 'refused'],
    ['rolled back: the spec that ran', spec(), rolledBack, false, 'unchanged'],
    ['rolled back: the spec that ran, forced', spec(), rolledBack, true, 'start'],
    [
      'rolled back: pinned id reused, forced',
      spec({ rolloutId: 'r1' }),
      rolledBack,
      true,
      'refused',
    ],
    [
      'rolled back: changed policy',
      spec({ policy: { steps: [0.05] } }),
      rolledBack,
      false,
      'start',
    ],
    ['rolled back: new canary', spec({ canary: 'v3' }), rolledBack, false, 'start'],
    ['rolled back: new id', spec({ rolloutId: 'r2' }), rolledBack, false, 'start'],
    ['rolled back: no canary', spec({ canary: null }), rolledBack, false, 'unchanged'],
    // A/B/n
    ['A/B/n: first rollout', abnSpec(), undefined, false, 'start'],
    ['A/B/n: same live candidates', abnSpec(), abn, false, 'unchanged'],
    [
      'A/B/n: candidates in another order',
      abnSpec({ candidates: ['c', 'a', 'b'] }),
      abn,
      false,
      'unchanged',
    ],
    ['A/B/n: one candidate rolled back, same spec', abnSpec(), abnOneBack, false, 'unchanged'],
    ['A/B/n: other candidates', abnSpec({ candidates: ['a', 'b'] }), abn, false, 'refused'],
    ['A/B/n: other candidates, forced', abnSpec({ candidates: ['a', 'd'] }), abn, true, 'start'],
    ['A/B/n: other policy, forced', abnSpec({ policy: {} }), abn, true, 'start'],
    ['A/B/n: a canary instead, forced', spec({ canary: 'a' }), abn, true, 'start'],
    ['A/B/n: candidates instead of a canary', abnSpec(), canary, false, 'refused'],
    ['A/B/n: candidates instead of a canary, forced', abnSpec(), canary, true, 'start'],
    ['A/B/n: other stable, forced', abnSpec({ stable: 'v0' }), abn, true, 'refused'],
    ['A/B/n: no candidates: ends the rollout', spec({ canary: null }), abn, false, 'refused'],
    ['A/B/n: no candidates, forced: rollback', spec({ canary: null }), abn, true, 'finish'],
    [
      'A/B/n: no candidates, forced: promote a live one',
      spec({ canary: null, stable: 'c' }),
      abnOneBack,
      true,
      'finish',
    ],
    [
      'A/B/n: no candidates, forced: promote a rolled-back one',
      spec({ canary: null, stable: 'b' }),
      abnOneBack,
      true,
      'refused',
    ],
    [
      'A/B/n: no candidates, stable not in the rollout, forced',
      spec({ canary: null, stable: 'v7' }),
      abn,
      true,
      'refused',
    ],
    ['A/B/n promoted: the spec that ran', abnSpec(), abnPromoted, false, 'unchanged'],
    ['A/B/n promoted: the spec that ran, forced', abnSpec(), abnPromoted, true, 'unchanged'],
    [
      'A/B/n promoted: spec after it',
      spec({ stable: 'b', canary: null }),
      abnPromoted,
      false,
      'unchanged',
    ],
    [
      'A/B/n promoted: no candidates, old stable',
      spec({ canary: null }),
      abnPromoted,
      false,
      'refused',
    ],
    [
      'A/B/n promoted: next rollout',
      abnSpec({ stable: 'b', candidates: ['d', 'e'] }),
      abnPromoted,
      false,
      'start',
    ],
    [
      'A/B/n promoted: next rollout from the old stable',
      abnSpec({ candidates: ['d', 'e'] }),
      abnPromoted,
      false,
      'refused',
    ],
    [
      'A/B/n promoted: a canary that was one of its candidates',
      spec({ stable: 'b', canary: 'a' }),
      abnPromoted,
      false,
      'start',
    ],
    ['A/B/n rolled back: the spec that ran', abnSpec(), abnRolledBack, false, 'unchanged'],
    ['A/B/n rolled back: the spec that ran, forced', abnSpec(), abnRolledBack, true, 'start'],
    [
      'A/B/n rolled back: new candidates',
      abnSpec({ candidates: ['d', 'e'] }),
      abnRolledBack,
      false,
      'start',
    ],
    ['A/B/n rolled back: no candidates', spec({ canary: null }), abnRolledBack, false, 'unchanged'],
  ])('%s → %s', (_, desired, live, force, kind) => {
    expect(planApply(desired, live, { force }).kind).toBe(kind);
  });

  it('says what it would restart, and that --force does it', () => {
    const plan = planApply(spec({ canary: 'v9' }), canary);
    expect(plan).toEqual({
      kind: 'refused',
      forceable: true,
      reason:
        'would restart the live rollout r1 (CANARY at 5%, canary v2): rolled back, then started as specified; run with --force to do so',
    });
  });

  it('names the live rollout that a forced change replaces, and the action that ends one', () => {
    expect(planApply(spec({ canary: 'v9' }), canary, { force: true })).toMatchObject({
      kind: 'start',
      replacing: canary,
    });
    expect(planApply(spec({ canary: null, stable: 'v2' }), paused, { force: true })).toMatchObject({
      kind: 'finish',
      action: 'PROMOTE',
    });
  });

  it('A/B/n: describes each candidate, and names the one a forced spec promotes', () => {
    expect(planApply(abnSpec({ candidates: ['a', 'b'] }), abnOneBack)).toMatchObject({
      kind: 'refused',
      forceable: true,
      reason:
        'would restart the live rollout r1 (CANARY, candidates a at 5%, b ROLLED_BACK, c at 5%): rolled back, then started as specified; run with --force to do so',
    });
    expect(
      planApply(spec({ canary: null, stable: 'c' }), abnOneBack, { force: true }),
    ).toMatchObject({
      kind: 'finish',
      action: 'PROMOTE',
      candidate: 'c',
    });
    expect(planApply(spec({ canary: null }), abn, { force: true })).toMatchObject({
      kind: 'finish',
      action: 'ROLLBACK',
      candidate: null,
    });
    expect(planApply(spec({ canary: null, stable: 'b' }), abnOneBack, { force: true })).toEqual({
      kind: 'refused',
      forceable: false,
      reason:
        'rollout r1 (CANARY, candidates a at 5%, b ROLLED_BACK, c at 5%): candidate b is ROLLED_BACK and can no longer be promoted',
    });
    expect(planApply(abnSpec(), abnPromoted)).toEqual({
      kind: 'unchanged',
      note: 'b was promoted (rollout r1 ended PROMOTED)',
    });
  });

  it('refuses what no --force can do', () => {
    expect(planApply(spec({ stable: 'v0' }), canary, { force: true })).toMatchObject({
      kind: 'refused',
      forceable: false,
    });
  });
});
