import { describe, expect, it } from 'vitest';
import { IssuedBy, RolloutAction } from '@kanary/contracts';
import { applyCommand } from './apply-command.js';
import { NOW, applyAll, commandOn, stateIn } from './rollout.fixtures.js';
import { rolloutStateSchema } from './rollout-state.js';

describe('APPROVE', () => {
  it('records who approved the current step and leaves the routing as it is', () => {
    const canary = stateIn('CANARY');
    const command = commandOn(canary, RolloutAction.APPROVE, { actor: 'alice', reason: 'ok' });
    const result = applyCommand(canary, command, NOW + 5);
    expect(result.outcome).toBe('APPLIED');
    const next = result.state!;
    expect(next).toMatchObject({
      phase: 'CANARY',
      canaryWeight: canary.canaryWeight,
      stepIndex: canary.stepIndex,
      seq: canary.seq + 1,
      approval: {
        stepIndex: canary.stepIndex,
        approvedBy: 'alice',
        issuedBy: 'OPERATOR',
        commandId: command.commandId,
        reason: 'ok',
        at: NOW + 5,
      },
    });
    expect(rolloutStateSchema.safeParse(next).success).toBe(true);
  });

  it.each([
    [IssuedBy.OPERATOR, null, 'OPERATOR'],
    [IssuedBy.DECISION, 'confirm-webhook hooks.example', 'confirm-webhook hooks.example'],
  ] as const)('by %s with actor %s records %s', (issuedBy, actor, approvedBy) => {
    const shadow = stateIn('SHADOW');
    const next = applyAll(shadow, commandOn(shadow, RolloutAction.APPROVE, { issuedBy, actor }));
    expect(next.approval).toMatchObject({ stepIndex: -1, approvedBy, issuedBy });
  });

  it('refuses a second approval of the same step, keeping the first approver', () => {
    const canary = stateIn('CANARY');
    const approved = applyAll(canary, commandOn(canary, RolloutAction.APPROVE, { actor: 'alice' }));
    const again = applyCommand(
      approved,
      commandOn(approved, RolloutAction.APPROVE, { actor: 'bob' }),
      NOW + 9,
    );
    expect(again.outcome).toBe('REJECTED');
    if (again.outcome !== 'REJECTED') return;
    expect(again.reason.code).toBe('ALREADY_APPROVED');
    expect(again.reason.message).toContain('alice');
    expect(again.state?.approval?.approvedBy).toBe('alice');
  });

  it('is cleared by a new step and kept by a weight change within the step and by PROMOTE', () => {
    const canary = stateIn('CANARY');
    const approved = applyAll(canary, commandOn(canary, RolloutAction.APPROVE, { actor: 'alice' }));
    const sameStep = applyAll(
      approved,
      commandOn(approved, RolloutAction.SET_WEIGHT, { canaryWeight: 0.1, stepIndex: null }),
    );
    expect(sameStep.approval?.approvedBy).toBe('alice');
    const promoted = applyAll(sameStep, commandOn(sameStep, RolloutAction.PROMOTE));
    expect(promoted.approval?.approvedBy).toBe('alice');
    const nextStep = applyAll(
      approved,
      commandOn(approved, RolloutAction.SET_WEIGHT, { canaryWeight: 0.25, stepIndex: 1 }),
    );
    expect(nextStep.approval).toBeNull();
  });
});
