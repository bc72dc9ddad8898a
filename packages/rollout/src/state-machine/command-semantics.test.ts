/** What each applied action does to the fields beyond the phase. */
import { describe, expect, it } from 'vitest';
import { applyCommand } from './apply-command.js';
import { IssuedBy, RolloutAction } from '@kanary/contracts';
import type { RolloutCommand } from './rollout-command.js';
import {
  NOW,
  POLICY,
  applyAll,
  commandOn,
  startCommand,
  stateIn,
  type Source,
} from './rollout.fixtures.js';

const { DECISION } = IssuedBy;
const { SET_WEIGHT, PAUSE, RESUME, PROMOTE, ROLLBACK } = RolloutAction;

describe('START', () => {
  it.each([
    { canaryWeight: null, phase: 'SHADOW', weight: 0, stepIndex: -1 },
    { canaryWeight: 0, phase: 'SHADOW', weight: 0, stepIndex: -1 },
    { canaryWeight: 0.01, phase: 'CANARY', weight: 0.01, stepIndex: 0 },
    { canaryWeight: 1, phase: 'CANARY', weight: 1, stepIndex: 0 },
  ])(
    'canaryWeight $canaryWeight starts in $phase at $weight',
    ({ canaryWeight, phase, weight, stepIndex }) => {
      const state = applyAll(undefined, startCommand({ canaryWeight }));
      expect(state).toMatchObject({
        model: 'churn',
        rolloutId: 'r1',
        phase,
        pausedFrom: null,
        stable: 'v1',
        canary: 'v2',
        shadows: ['v3'],
        canaryWeight: weight,
        stepIndex,
        seq: 1,
        policy: POLICY,
        startedAt: NOW,
        stepStartedAt: NOW,
        updatedAt: NOW,
      });
    },
  );

  it('takes the step index the command names in canary mode', () => {
    expect(applyAll(undefined, startCommand({ stepIndex: 2 })).stepIndex).toBe(2);
  });

  it('accepts basedOnSeq 0 for a model with no state, as the seq before the first', () => {
    expect(applyCommand(undefined, startCommand({ basedOnSeq: 0 }), NOW).outcome).toBe('APPLIED');
  });
});

describe('SET_WEIGHT', () => {
  const D = { issuedBy: DECISION };
  it.each([
    {
      name: 'from SHADOW enters CANARY at step 0',
      from: 'SHADOW',
      steps: [{ canaryWeight: 0.05, ...D }],
      expected: { phase: 'CANARY', canaryWeight: 0.05, stepIndex: 0 },
    },
    {
      name: 'from SHADOW takes the step the command names',
      from: 'SHADOW',
      steps: [{ canaryWeight: 0.05, stepIndex: 1 }],
      expected: { phase: 'CANARY', stepIndex: 1 },
    },
    {
      name: 'in CANARY changes weight and step',
      from: 'CANARY',
      steps: [{ canaryWeight: 0.25, stepIndex: 1, ...D }],
      expected: { phase: 'CANARY', canaryWeight: 0.25, stepIndex: 1 },
    },
    {
      name: 'in CANARY keeps the step when none is named',
      from: 'CANARY',
      steps: [{ canaryWeight: 0.25, stepIndex: 1 }, { canaryWeight: 0.3 }],
      expected: { canaryWeight: 0.3, stepIndex: 1 },
    },
    {
      name: 'may go to full traffic without promoting',
      from: 'CANARY',
      steps: [{ canaryWeight: 1, ...D }],
      expected: { phase: 'CANARY', canaryWeight: 1 },
    },
    {
      name: 'lets an operator lower the weight down to 0',
      from: 'CANARY',
      steps: [{ canaryWeight: 0.5 }, { canaryWeight: 0 }],
      expected: { phase: 'CANARY', canaryWeight: 0 },
    },
    {
      name: 'while paused from SHADOW stays paused, now from CANARY',
      from: 'PAUSED_FROM_SHADOW',
      steps: [{ canaryWeight: 0.05 }],
      expected: { phase: 'PAUSED', pausedFrom: 'CANARY', canaryWeight: 0.05, stepIndex: 0 },
    },
  ] as const)('$name', ({ from, steps, expected }) => {
    let state = stateIn(from);
    for (const step of steps) state = applyAll(state, commandOn(state, SET_WEIGHT, step));
    expect(state).toMatchObject({ ...expected, seq: stateIn(from).seq + steps.length });
  });

  it('does not let the decision service lower the weight', () => {
    const start = stateIn('CANARY');
    const raised = applyAll(start, commandOn(start, SET_WEIGHT, { canaryWeight: 0.5 }));
    const lower = commandOn(raised, SET_WEIGHT, { canaryWeight: 0.25, ...D });
    expect(applyCommand(raised, lower, NOW)).toMatchObject({
      outcome: 'REJECTED',
      reason: { code: 'WEIGHT_DECREASE_NOT_ALLOWED' },
    });
  });

  it('rejects the weight already in force, in SHADOW (0) and CANARY', () => {
    for (const state of [stateIn('SHADOW'), stateIn('CANARY')]) {
      const same = commandOn(state, SET_WEIGHT, { canaryWeight: state.canaryWeight });
      expect(applyCommand(state, same, NOW)).toMatchObject({
        outcome: 'REJECTED',
        reason: { code: 'WEIGHT_UNCHANGED' },
      });
    }
  });

  it('resumes a rollout paused from SHADOW whose weight an operator set into CANARY', () => {
    const paused = stateIn('PAUSED_FROM_SHADOW');
    const changed = applyAll(paused, commandOn(paused, SET_WEIGHT, { canaryWeight: 0.05 }));
    expect(applyAll(changed, commandOn(changed, RESUME))).toMatchObject({
      phase: 'CANARY',
      canaryWeight: 0.05,
    });
  });
});

describe('PAUSE and RESUME', () => {
  it.each(['SHADOW', 'CANARY'] as const)(
    'return a %s rollout to where it was, weight and step kept',
    (source) => {
      const before = applyAll(
        stateIn(source),
        commandOn(stateIn(source), PAUSE, { issuedBy: DECISION }),
      );
      expect(before).toMatchObject({ phase: 'PAUSED', pausedFrom: source });
      const resumed = applyAll(before, commandOn(before, RESUME));
      const original = stateIn(source);
      expect(resumed).toMatchObject({
        phase: source,
        pausedFrom: null,
        canaryWeight: original.canaryWeight,
        stepIndex: original.stepIndex,
        seq: original.seq + 2,
      });
    },
  );
});

describe('PROMOTE and ROLLBACK', () => {
  it.each(['SHADOW', 'CANARY', 'PAUSED_FROM_CANARY'] as const)(
    'PROMOTE from %s makes the canary the stable',
    (source) => {
      const state = stateIn(source);
      expect(applyAll(state, commandOn(state, PROMOTE))).toMatchObject({
        phase: 'PROMOTED',
        pausedFrom: null,
        stable: 'v2',
        canary: null,
        shadows: [],
        canaryWeight: 0,
        rolloutId: 'r1',
      });
    },
  );

  it.each(['SHADOW', 'CANARY', 'PAUSED_FROM_SHADOW'] as const)(
    'ROLLBACK from %s keeps the stable',
    (source) => {
      const state = stateIn(source);
      expect(applyAll(state, commandOn(state, ROLLBACK, { issuedBy: DECISION }))).toMatchObject({
        phase: 'ROLLED_BACK',
        pausedFrom: null,
        stable: 'v1',
        canary: 'v2',
        shadows: [],
        canaryWeight: 0,
      });
    },
  );
});

describe('a whole rollout', () => {
  it('shadow → steps → promote → next rollout from the new stable', () => {
    let state = applyAll(undefined, startCommand({ canaryWeight: null }));
    for (const [stepIndex, canaryWeight] of [0.05, 0.25, 0.5, 1].entries()) {
      state = applyAll(
        state,
        commandOn(state, SET_WEIGHT, { canaryWeight, stepIndex, issuedBy: DECISION }),
      );
      expect(state).toMatchObject({ phase: 'CANARY', canaryWeight, stepIndex });
    }
    state = applyAll(state, commandOn(state, PROMOTE, { issuedBy: DECISION }));
    expect(state).toMatchObject({ phase: 'PROMOTED', stable: 'v2', seq: 6 });
    const next = startCommand({
      rolloutId: 'r2',
      stable: 'v2',
      canary: 'v4',
      shadows: [],
      basedOnSeq: 6,
    });
    expect(applyAll(state, next)).toMatchObject({
      phase: 'CANARY',
      rolloutId: 'r2',
      stable: 'v2',
      canary: 'v4',
      seq: 7,
      stepIndex: 0,
    });
  });
});

describe('stepStartedAt', () => {
  const LATER = NOW + 60_000;
  const { START } = RolloutAction;
  const cases: Array<{
    name: string;
    from: Source | 'NONE';
    action: RolloutAction;
    overrides?: Partial<RolloutCommand>;
    restarts: boolean;
  }> = [
    {
      name: 'START in shadow mode',
      from: 'NONE',
      action: START,
      overrides: { canaryWeight: null },
      restarts: true,
    },
    { name: 'START in canary mode', from: 'NONE', action: START, restarts: true },
    {
      name: 'SHADOW → CANARY',
      from: 'SHADOW',
      action: SET_WEIGHT,
      overrides: { canaryWeight: 0.05 },
      restarts: true,
    },
    {
      name: 'a new step',
      from: 'CANARY',
      action: SET_WEIGHT,
      overrides: { canaryWeight: 0.25, stepIndex: 1 },
      restarts: true,
    },
    {
      name: 'a weight change within the step',
      from: 'CANARY',
      action: SET_WEIGHT,
      overrides: { canaryWeight: 0.07 },
      restarts: false,
    },
    {
      name: 'the same step named again',
      from: 'CANARY',
      action: SET_WEIGHT,
      overrides: { canaryWeight: 0.07, stepIndex: 0 },
      restarts: false,
    },
    {
      name: 'an operator weight leaving shadow mode while paused',
      from: 'PAUSED_FROM_SHADOW',
      action: SET_WEIGHT,
      overrides: { canaryWeight: 0.05 },
      restarts: true,
    },
    {
      name: 'a weight change while paused in canary mode',
      from: 'PAUSED_FROM_CANARY',
      action: SET_WEIGHT,
      overrides: { canaryWeight: 0.5 },
      restarts: false,
    },
    { name: 'PAUSE', from: 'CANARY', action: PAUSE, restarts: false },
    { name: 'RESUME', from: 'PAUSED_FROM_CANARY', action: RESUME, restarts: false },
    { name: 'PROMOTE', from: 'CANARY', action: PROMOTE, restarts: false },
    { name: 'ROLLBACK', from: 'SHADOW', action: ROLLBACK, restarts: false },
  ];

  it.each(cases)(
    '$name: restarts the step = $restarts',
    ({ from, action, overrides, restarts }) => {
      const before = from === 'NONE' ? undefined : stateIn(from);
      const command =
        before === undefined ? startCommand(overrides) : commandOn(before, action, overrides);
      const result = applyCommand(before, command, LATER);
      expect(result.outcome).toBe('APPLIED');
      expect(result.state?.stepStartedAt).toBe(restarts ? LATER : NOW);
      if (before !== undefined) expect(before.stepStartedAt).toBe(NOW);
    },
  );

  it('is left alone by a rejected command', () => {
    const before = stateIn('CANARY');
    const stale = commandOn(before, SET_WEIGHT, { canaryWeight: 0.5, stepIndex: 1, basedOnSeq: 0 });
    const result = applyCommand(before, stale, LATER);
    expect(result).toMatchObject({ outcome: 'REJECTED', state: { stepStartedAt: NOW } });
  });
});
