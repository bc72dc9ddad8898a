import { describe, expect, it } from 'vitest';
import { IssuedBy, RolloutAction, type RolloutState } from '@kanary/contracts';
import { applyCommand, commandOnState } from '@kanary/rollout';
import { createDecisionEngine } from './engine.js';
import { MINUTE, T0, feed, startedState } from './engine.fixtures.js';

/** Fast-maturing policy with one step, so the next good decision is PROMOTE. */
const POLICY = {
  labelMaturityMs: MINUTE,
  minSamplesPerStep: 50,
  steps: [0.1],
  approval: { promote: true },
};

function approve(state: RolloutState, by: string, at: number): RolloutState {
  const command = commandOnState(state, RolloutAction.APPROVE, {
    commandId: 'approve-1',
    issuedAt: at,
    issuedBy: IssuedBy.OPERATOR,
    reason: 'dashboards look fine',
    actor: by,
  });
  const result = applyCommand(state, command, at);
  if (result.outcome !== 'APPLIED') throw new Error(JSON.stringify(result));
  return result.state;
}

describe('approval gate in the engine', () => {
  it('holds a PROMOTE until the step is approved, then promotes naming the approver', () => {
    const engine = createDecisionEngine();
    const state = startedState(POLICY, { canaryWeight: 0.1 });
    engine.onState(state);
    feed(engine, { stable: 90_000, canary: 10_000 }, { stable: 0.85, canary: 0.86 });

    const waiting = engine.tick(T0 + 5 * MINUTE);
    expect(waiting.commands).toEqual([]);
    expect(waiting.reports[0]).toMatchObject({
      action: 'HOLD',
      awaitingApproval: 'PROMOTE',
      approvedBy: null,
    });
    expect(waiting.reports[0]?.reason).toMatch(/^Awaiting approval to PROMOTE after step 0/);
    expect(JSON.parse(waiting.reports[0]?.details ?? '{}')).toMatchObject({
      code: 'AWAITING_APPROVAL',
    });
    expect(waiting.awaitingApproval).toHaveLength(1);
    expect(waiting.awaitingApproval[0]).toMatchObject({
      action: 'PROMOTE',
      state: { seq: state.seq },
    });

    // The HOLD report is rate-limited, the wait is not: the driver still learns of it.
    const again = engine.tick(T0 + 5 * MINUTE + 5_000);
    expect(again.reports).toEqual([]);
    expect(again.awaitingApproval).toHaveLength(1);

    const approved = approve(state, 'alice', T0 + 6 * MINUTE);
    expect(approved.approval).toMatchObject({ stepIndex: 0, approvedBy: 'alice' });
    engine.onState(approved);
    const promoted = engine.tick(T0 + 6 * MINUTE + 1_000);
    expect(promoted.commands[0]).toMatchObject({
      action: 'PROMOTE',
      basedOnSeq: approved.seq,
    });
    expect(promoted.commands[0]?.reason).toContain('approved by alice');
    expect(promoted.reports[0]).toMatchObject({
      action: 'PROMOTE',
      approvedBy: 'alice',
      awaitingApproval: null,
    });
    expect(promoted.awaitingApproval).toEqual([]);
  });

  it('rolls a worse canary back at once, approval or not', () => {
    const engine = createDecisionEngine();
    const state = startedState(
      { ...POLICY, approval: { promote: true, advance: true } },
      { canaryWeight: 0.1 },
    );
    engine.onState(state);
    feed(engine, { stable: 36_000, canary: 4_000 }, { stable: 0.85, canary: 0.6 });
    const out = engine.tick(T0 + 5 * MINUTE);
    expect(out.commands[0]).toMatchObject({ action: 'ROLLBACK' });
    expect(out.reports[0]).toMatchObject({ action: 'ROLLBACK', awaitingApproval: null });
    expect(out.awaitingApproval).toEqual([]);
  });
});
