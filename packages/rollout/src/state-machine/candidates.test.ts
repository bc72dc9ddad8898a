import { describe, expect, it } from 'vitest';
import { CandidateStatus, IssuedBy, RolloutAction, RolloutPhase } from '@kanary/contracts';
import { applyCommand } from './apply-command.js';
import { candidateView, commandTarget, maxCandidateWeight } from './candidates.js';
import { commandOnState } from './command-on-state.js';
import { RejectionCode } from './rejection.js';
import { NOW, applyAll, commandOn, startCommand, stateIn } from './rollout.fixtures.js';
import { rolloutStateSchema, type RolloutState } from './rollout-state.js';
import type { RolloutCommand } from './rollout-command.js';

const START = (overrides: Partial<RolloutCommand> = {}): RolloutCommand =>
  startCommand({ canary: null, shadows: [], candidates: ['a', 'b', 'c'], ...overrides });

const started = (): RolloutState => applyAll(undefined, START());

const rejection = (state: RolloutState | undefined, command: RolloutCommand) => {
  const result = applyCommand(state, command, NOW);
  return result.outcome === 'REJECTED' ? result.reason : null;
};

const statusOf = (state: RolloutState) =>
  Object.fromEntries(state.candidates.map((c) => [c.variant, c.status]));

describe('A/B/n rollouts: START', () => {
  it('starts every candidate LIVE at the weight and step, with no canary', () => {
    const state = started();
    expect(state.phase).toBe(RolloutPhase.CANARY);
    expect(state.canary).toBeNull();
    expect(state.candidates.map((c) => [c.variant, c.status, c.weight, c.stepIndex])).toEqual([
      ['a', 'LIVE', 0.05, 0],
      ['b', 'LIVE', 0.05, 0],
      ['c', 'LIVE', 0.05, 0],
    ]);
    expect(state.canaryWeight).toBeCloseTo(0.15, 12);
    expect(rolloutStateSchema.safeParse(state).success).toBe(true);
  });

  it.each([
    ['one candidate', { candidates: ['a'] }, 'candidates'],
    ['a canary beside candidates', { canary: 'z' }, 'canary'],
    ['a repeated candidate', { candidates: ['a', 'b', 'a'] }, 'listed twice'],
    ['the stable as a candidate', { candidates: ['a', 'v1'] }, 'already the stable'],
    ['a shadow as a candidate', { shadows: ['b'] }, 'already the stable or a shadow'],
    ['shadow mode', { canaryWeight: null }, 'canary mode'],
    ['a weight above the slice', { canaryWeight: 0.3 }, 'at most 0.25 with 3 candidates'],
  ])('refuses %s', (_name, overrides, words) => {
    const reason = rejection(undefined, START(overrides));
    expect(reason?.code).toBe(RejectionCode.INVALID_COMMAND);
    expect(reason?.message).toContain(words);
  });

  it('caps a candidate at its slice: 1/(k + 1) of the traffic, rounded down to a bucket', () => {
    expect(maxCandidateWeight(2)).toBe(0.3333);
    expect(maxCandidateWeight(3)).toBe(0.25);
    expect(maxCandidateWeight(4)).toBe(0.2);
  });
});

describe('A/B/n rollouts: commands about one candidate', () => {
  it('SET_WEIGHT moves the named candidate alone and restarts its step', () => {
    const state = started();
    const later = applyCommand(
      state,
      commandOn(state, RolloutAction.SET_WEIGHT, {
        canary: 'b',
        canaryWeight: 0.25,
        stepIndex: 1,
        issuedBy: IssuedBy.DECISION,
      }),
      NOW + 1000,
    );
    expect(later.outcome).toBe('APPLIED');
    const next = later.state as RolloutState;
    expect(next.candidates.map((c) => [c.variant, c.weight, c.stepIndex, c.stepStartedAt])).toEqual(
      [
        ['a', 0.05, 0, NOW],
        ['b', 0.25, 1, NOW + 1000],
        ['c', 0.05, 0, NOW],
      ],
    );
    expect(next.canaryWeight).toBeCloseTo(0.35, 12);
    expect(next.stepIndex).toBe(1);
    expect(rolloutStateSchema.safeParse(next).success).toBe(true);
  });

  it.each([
    [
      'SET_WEIGHT without a candidate',
      { action: RolloutAction.SET_WEIGHT, canary: null, canaryWeight: 0.1 },
      RejectionCode.CANDIDATE_REQUIRED,
    ],
    [
      'PROMOTE without a candidate',
      { action: RolloutAction.PROMOTE, canary: null },
      RejectionCode.CANDIDATE_REQUIRED,
    ],
    [
      'a variant that is not a candidate',
      { action: RolloutAction.ROLLBACK, canary: 'zz' },
      RejectionCode.VARIANT_MISMATCH,
    ],
    [
      'a weight above the slice',
      { action: RolloutAction.SET_WEIGHT, canary: 'a', canaryWeight: 0.26 },
      RejectionCode.WEIGHT_ABOVE_SLICE,
    ],
    [
      'a decision lowering a weight',
      {
        action: RolloutAction.SET_WEIGHT,
        canary: 'a',
        canaryWeight: 0.01,
        issuedBy: IssuedBy.DECISION,
      },
      RejectionCode.WEIGHT_DECREASE_NOT_ALLOWED,
    ],
    [
      'the weight in force',
      { action: RolloutAction.SET_WEIGHT, canary: 'a', canaryWeight: 0.05 },
      RejectionCode.WEIGHT_UNCHANGED,
    ],
    [
      'candidates on a command other than START',
      { action: RolloutAction.PAUSE, candidates: ['a', 'b'] },
      RejectionCode.INVALID_COMMAND,
    ],
  ])('refuses %s', (_name, overrides, code) => {
    const state = started();
    const command = commandOn(state, overrides.action, overrides);
    expect(rejection(state, command)?.code).toBe(code);
  });

  it('ROLLBACK of one candidate leaves the others live; the last one ends the rollout', () => {
    const state = started();
    const withoutB = applyAll(state, commandOn(state, RolloutAction.ROLLBACK, { canary: 'b' }));
    expect(withoutB.phase).toBe(RolloutPhase.CANARY);
    expect(statusOf(withoutB)).toEqual({ a: 'LIVE', b: 'ROLLED_BACK', c: 'LIVE' });
    expect(withoutB.canaryWeight).toBeCloseTo(0.1, 12);
    expect(rolloutStateSchema.safeParse(withoutB).success).toBe(true);
    // A rolled-back candidate takes no more commands.
    expect(
      rejection(
        withoutB,
        commandOn(withoutB, RolloutAction.SET_WEIGHT, { canary: 'b', canaryWeight: 0.1 }),
      )?.code,
    ).toBe(RejectionCode.CANDIDATE_ENDED);
    const onlyC = applyAll(withoutB, commandOn(withoutB, RolloutAction.ROLLBACK, { canary: 'a' }));
    const done = applyAll(onlyC, commandOn(onlyC, RolloutAction.ROLLBACK, { canary: 'c' }));
    expect(done.phase).toBe(RolloutPhase.ROLLED_BACK);
    expect(done.canaryWeight).toBe(0);
    expect(statusOf(done)).toEqual({ a: 'ROLLED_BACK', b: 'ROLLED_BACK', c: 'ROLLED_BACK' });
    expect(rolloutStateSchema.safeParse(done).success).toBe(true);
  });

  it('ROLLBACK naming no candidate rolls every live one back', () => {
    const state = started();
    const done = applyAll(state, commandOn(state, RolloutAction.ROLLBACK, { canary: null }));
    expect(done.phase).toBe(RolloutPhase.ROLLED_BACK);
    expect(statusOf(done)).toEqual({ a: 'ROLLED_BACK', b: 'ROLLED_BACK', c: 'ROLLED_BACK' });
  });

  it('PROMOTE makes the named candidate the stable and ends the other live ones', () => {
    const state = started();
    const withoutA = applyAll(state, commandOn(state, RolloutAction.ROLLBACK, { canary: 'a' }));
    const promoted = applyAll(
      withoutA,
      commandOn(withoutA, RolloutAction.PROMOTE, { canary: 'c', issuedBy: IssuedBy.DECISION }),
    );
    expect(promoted.phase).toBe(RolloutPhase.PROMOTED);
    expect(promoted.stable).toBe('c');
    expect(promoted.canary).toBeNull();
    expect(statusOf(promoted)).toEqual({
      a: CandidateStatus.ROLLED_BACK,
      b: CandidateStatus.ENDED,
      c: CandidateStatus.PROMOTED,
    });
    expect(promoted.candidates.every((c) => c.weight === 0)).toBe(true);
    expect(rolloutStateSchema.safeParse(promoted).success).toBe(true);
  });

  it('PAUSE and RESUME act on the whole rollout', () => {
    const state = started();
    const paused = applyAll(state, commandOn(state, RolloutAction.PAUSE));
    expect(paused.phase).toBe(RolloutPhase.PAUSED);
    expect(statusOf(paused)).toEqual({ a: 'LIVE', b: 'LIVE', c: 'LIVE' });
    const resumed = applyAll(paused, commandOn(paused, RolloutAction.RESUME));
    expect(resumed.phase).toBe(RolloutPhase.CANARY);
  });
});

describe('candidateView', () => {
  it('is the rollout as if the candidate were its only canary', () => {
    const state = started();
    const withoutB = applyAll(state, commandOn(state, RolloutAction.ROLLBACK, { canary: 'b' }));
    const [a, b] = withoutB.candidates;
    const viewA = candidateView(withoutB, a!);
    expect(viewA).toMatchObject({
      phase: 'CANARY',
      canary: 'a',
      canaryWeight: 0.05,
      stepIndex: 0,
      candidates: [],
      seq: withoutB.seq,
    });
    expect(rolloutStateSchema.safeParse(viewA).success).toBe(true);
    expect(candidateView(withoutB, b!)).toMatchObject({ phase: 'ROLLED_BACK', canary: 'b' });
  });
});

describe('commandTarget', () => {
  const issue = { commandId: 'op-1', issuedAt: NOW, issuedBy: IssuedBy.OPERATOR, reason: '' };

  it('builds a command about one candidate on its view, which the state machine applies', () => {
    const state = started();
    const target = commandTarget(state, RolloutAction.ROLLBACK, 'b');
    expect(target.ok).toBe(true);
    if (!target.ok) return;
    const command = commandOnState(target.state, RolloutAction.ROLLBACK, issue);
    expect(command).toMatchObject({ canary: 'b', basedOnSeq: state.seq, candidates: [] });
    expect(statusOf(applyAll(state, command))).toEqual({ a: 'LIVE', b: 'ROLLED_BACK', c: 'LIVE' });
  });

  it('asks a PROMOTE or SET_WEIGHT of an A/B/n rollout to name a candidate, listing them', () => {
    const state = started();
    for (const action of [RolloutAction.PROMOTE, RolloutAction.SET_WEIGHT]) {
      expect(commandTarget(state, action, null)).toEqual({
        ok: false,
        message: `rollout "${state.rolloutId}" has candidates a (LIVE), b (LIVE), c (LIVE): ${action} must name one`,
      });
    }
    expect(commandTarget(state, RolloutAction.ROLLBACK, null)).toEqual({ ok: true, state });
    expect(commandTarget(state, RolloutAction.PAUSE, null)).toEqual({ ok: true, state });
  });

  it('refuses a variant that is not a candidate, or not the canary of a two-arm rollout', () => {
    const state = started();
    expect(commandTarget(state, RolloutAction.PROMOTE, 'z')).toEqual({
      ok: false,
      message: `rollout "${state.rolloutId}" has no candidate "z"; its candidates: a (LIVE), b (LIVE), c (LIVE)`,
    });
    const canary = stateIn('CANARY');
    expect(commandTarget(canary, RolloutAction.PROMOTE, canary.canary)).toEqual({
      ok: true,
      state: canary,
    });
    expect(commandTarget(canary, RolloutAction.PROMOTE, 'z')).toEqual({
      ok: false,
      message: `rollout "${canary.rolloutId}" has canary "${canary.canary}", not "z"`,
    });
  });
});

describe('approvals of an A/B/n rollout', () => {
  it('let every candidate end its step until the furthest one enters a new step', () => {
    const state = started();
    const ahead = applyAll(
      state,
      commandOn(state, RolloutAction.SET_WEIGHT, {
        canary: 'a',
        canaryWeight: 0.1,
        stepIndex: 1,
        issuedBy: IssuedBy.DECISION,
      }),
    );
    const approved = applyAll(ahead, commandOn(ahead, RolloutAction.APPROVE, { actor: 'alice' }));
    expect(approved.approval).toMatchObject({ stepIndex: 1, approvedBy: 'alice' });
    const [a, b] = approved.candidates;
    // b, still at step 0, may end it under the approval given at the furthest step (1).
    expect(candidateView(approved, b!).approval).toMatchObject({ stepIndex: 0 });
    expect(candidateView(approved, a!).approval).toMatchObject({ stepIndex: 1 });
    // b catching up to step 1 keeps it; a moving on to step 2 clears it for everyone.
    const caughtUp = applyAll(
      approved,
      commandOn(approved, RolloutAction.SET_WEIGHT, {
        canary: 'b',
        canaryWeight: 0.1,
        stepIndex: 1,
        issuedBy: IssuedBy.DECISION,
      }),
    );
    expect(caughtUp.approval).not.toBeNull();
    const further = applyAll(
      caughtUp,
      commandOn(caughtUp, RolloutAction.SET_WEIGHT, {
        canary: 'a',
        canaryWeight: 0.2,
        stepIndex: 2,
        issuedBy: IssuedBy.DECISION,
      }),
    );
    expect(further.approval).toBeNull();
    expect(candidateView(further, further.candidates[1]!).approval).toBeNull();
  });
});
