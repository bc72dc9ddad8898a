import { describe, expect, it } from 'vitest';
import { applyCommand } from './apply-command.js';
import { commandOnState, type LiveAction } from './command-on-state.js';
import { NOW, stateIn } from './rollout.fixtures.js';

const issue = { commandId: 'op-1', issuedAt: NOW, issuedBy: 'OPERATOR' as const, reason: 'test' };

describe('commandOnState', () => {
  it.each([
    { from: 'CANARY', action: 'SET_WEIGHT', phase: 'CANARY' },
    { from: 'CANARY', action: 'PAUSE', phase: 'PAUSED' },
    { from: 'PAUSED_FROM_CANARY', action: 'RESUME', phase: 'CANARY' },
    { from: 'SHADOW', action: 'PROMOTE', phase: 'PROMOTED' },
    { from: 'SHADOW', action: 'ROLLBACK', phase: 'ROLLED_BACK' },
  ] as const)('$action on $from is applied', ({ from, action, phase }) => {
    const state = stateIn(from);
    const command = commandOnState(state, action as LiveAction, issue, { canaryWeight: 0.5 });
    expect(command).toMatchObject({
      rolloutId: state.rolloutId,
      stable: state.stable,
      canary: state.canary,
      basedOnSeq: state.seq,
      shadows: [],
      policy: null,
    });
    expect(applyCommand(state, command, NOW + 1)).toMatchObject({
      outcome: 'APPLIED',
      state: { phase },
    });
  });

  it('carries weight and step only on SET_WEIGHT', () => {
    const state = stateIn('CANARY');
    const weight = { canaryWeight: 0.25, stepIndex: 1 };
    expect(commandOnState(state, 'SET_WEIGHT', issue, weight)).toMatchObject(weight);
    expect(commandOnState(state, 'PAUSE', issue, weight)).toMatchObject({
      canaryWeight: null,
      stepIndex: null,
    });
  });
});
