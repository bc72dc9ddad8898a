import { exampleEvents, type RolloutState } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { planApply } from './plan-apply.js';
import type { RolloutSpec } from './rollout-spec.js';

const spec = (over: Partial<RolloutSpec> = {}): RolloutSpec => ({
  model: 'weather',
  stable: 'v1',
  canary: 'v2',
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

  it('refuses what no --force can do', () => {
    expect(planApply(spec({ stable: 'v0' }), canary, { force: true })).toMatchObject({
      kind: 'refused',
      forceable: false,
    });
  });
});
