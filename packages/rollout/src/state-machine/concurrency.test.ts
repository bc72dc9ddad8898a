/** Idempotence, optimistic concurrency, rollout identity and rejection records. */
import { describe, expect, it } from 'vitest';
import { applyCommand } from './apply-command.js';
import { IssuedBy, RolloutAction } from '@kanary/contracts';
import type { RolloutCommand } from './rollout-command.js';
import { RECENT_COMMAND_IDS_LIMIT } from './rollout-state.js';
import { MODEL, NOW, applyAll, commandOn, startCommand, stateIn } from './rollout.fixtures.js';

const { SET_WEIGHT, PAUSE, RESUME, PROMOTE, ROLLBACK } = RolloutAction;

describe('duplicates', () => {
  it.each([
    { source: 'CANARY', action: SET_WEIGHT },
    { source: 'CANARY', action: PAUSE },
    { source: 'PAUSED_FROM_CANARY', action: RESUME },
    { source: 'CANARY', action: PROMOTE },
    { source: 'SHADOW', action: ROLLBACK },
  ] as const)('a second $action with the same commandId changes nothing', ({ source, action }) => {
    const before = stateIn(source);
    const command = commandOn(before, action);
    const once = applyAll(before, command);
    const twice = applyCommand(once, command, NOW + 5);
    expect(twice.outcome).toBe('DUPLICATE');
    expect(twice.state).toBe(once);
  });

  it('recognises a START delivered again after later commands, despite its stale basedOnSeq', () => {
    const start = startCommand();
    const started = applyAll(undefined, start);
    const later = applyAll(started, commandOn(started, SET_WEIGHT, { canaryWeight: 0.25 }));
    expect(applyCommand(later, start, NOW)).toEqual({ outcome: 'DUPLICATE', state: later });
  });

  it('remembers across rollouts of the same model', () => {
    const promote = commandOn(stateIn('CANARY'), PROMOTE);
    const promoted = applyAll(stateIn('CANARY'), promote);
    const restarted = applyAll(
      promoted,
      startCommand({
        rolloutId: 'r2',
        stable: 'v2',
        canary: 'v4',
        shadows: [],
        basedOnSeq: promoted.seq,
      }),
    );
    expect(applyCommand(restarted, promote, NOW).outcome).toBe('DUPLICATE');
  });

  it(`keeps only the last ${RECENT_COMMAND_IDS_LIMIT} ids, oldest dropped first`, () => {
    const first = startCommand({ canaryWeight: 0.0001 });
    let state = applyAll(undefined, first);
    for (let i = 2; i <= RECENT_COMMAND_IDS_LIMIT + 10; i++) {
      state = applyAll(state, commandOn(state, SET_WEIGHT, { canaryWeight: i / 10_000 }));
    }
    expect(state.recentCommandIds).toHaveLength(RECENT_COMMAND_IDS_LIMIT);
    expect(state.recentCommandIds).not.toContain(first.commandId);
    expect(state.seq).toBe(RECENT_COMMAND_IDS_LIMIT + 10);
    // Forgotten, the old START is judged on its merits again: refused, not re-applied.
    expect(applyCommand(state, first, NOW)).toMatchObject({
      outcome: 'REJECTED',
      reason: { code: 'ROLLOUT_IN_PROGRESS' },
    });
  });
});

describe('basedOnSeq', () => {
  const canary = stateIn('CANARY');
  it.each([
    { name: 'an older seq', basedOnSeq: canary.seq - 1 },
    { name: 'a future seq', basedOnSeq: canary.seq + 1 },
    { name: 'no seq at all', basedOnSeq: null },
  ])('rejects $name as STALE_SEQ', ({ basedOnSeq }) => {
    const result = applyCommand(canary, commandOn(canary, PAUSE, { basedOnSeq }), NOW);
    expect(result).toMatchObject({ outcome: 'REJECTED', reason: { code: 'STALE_SEQ' } });
  });

  it('lets only the first of two commands based on the same state through', () => {
    const a = commandOn(canary, SET_WEIGHT, { canaryWeight: 0.25, issuedBy: IssuedBy.DECISION });
    const b = commandOn(canary, ROLLBACK, { issuedBy: IssuedBy.OPERATOR });
    const afterA = applyAll(canary, a);
    expect(applyCommand(afterA, b, NOW)).toMatchObject({
      outcome: 'REJECTED',
      reason: { code: 'STALE_SEQ' },
    });
  });

  it('requires a new START to name the model seq after a terminal phase', () => {
    const done = stateIn('ROLLED_BACK');
    const restart = (basedOnSeq: number | null): RolloutCommand =>
      startCommand({ rolloutId: 'r2', canary: 'v4', shadows: [], basedOnSeq });
    expect(applyCommand(done, restart(null), NOW)).toMatchObject({ reason: { code: 'STALE_SEQ' } });
    expect(applyCommand(done, restart(done.seq - 1), NOW)).toMatchObject({
      reason: { code: 'STALE_SEQ' },
    });
    expect(applyAll(done, restart(done.seq))).toMatchObject({
      rolloutId: 'r2',
      seq: done.seq + 1,
      phase: 'CANARY',
    });
  });

  it('rejects a first START that claims a seq the model never had', () => {
    expect(applyCommand(undefined, startCommand({ basedOnSeq: 3 }), NOW)).toMatchObject({
      outcome: 'REJECTED',
      state: undefined,
      reason: { code: 'STALE_SEQ' },
    });
  });
});

describe('rollout identity', () => {
  it.each(['CANARY', 'PAUSED_FROM_SHADOW', 'PROMOTED', 'ROLLED_BACK'] as const)(
    'rejects a %s command for another rolloutId as ROLLOUT_MISMATCH',
    (source) => {
      const state = stateIn(source);
      const result = applyCommand(state, commandOn(state, ROLLBACK, { rolloutId: 'r-other' }), NOW);
      expect(result).toMatchObject({ outcome: 'REJECTED', reason: { code: 'ROLLOUT_MISMATCH' } });
    },
  );

  it.each(['PROMOTED', 'ROLLED_BACK'] as const)(
    'refuses to restart a %s rollout under the same rolloutId',
    (source) => {
      const state = stateIn(source);
      const again = startCommand({
        stable: state.stable,
        canary: 'v4',
        shadows: [],
        basedOnSeq: state.seq,
      });
      expect(applyCommand(state, again, NOW)).toMatchObject({
        outcome: 'REJECTED',
        reason: { code: 'ROLLOUT_FINISHED' },
      });
    },
  );

  it('refuses a START that would switch the stable the model now serves', () => {
    const promoted = stateIn('PROMOTED');
    const fromOldStable = startCommand({
      rolloutId: 'r2',
      stable: 'v1',
      canary: 'v4',
      shadows: [],
      basedOnSeq: promoted.seq,
    });
    expect(applyCommand(promoted, fromOldStable, NOW)).toMatchObject({
      reason: { code: 'VARIANT_MISMATCH' },
    });
  });

  it('carries recent command ids into the new rollout', () => {
    const done = stateIn('ROLLED_BACK');
    const next = applyAll(
      done,
      startCommand({ rolloutId: 'r2', canary: 'v4', shadows: [], basedOnSeq: done.seq }),
    );
    expect(next.recentCommandIds.slice(0, -1)).toEqual(done.recentCommandIds);
    expect(next.startedAt).toBe(NOW);
  });

  it.each([
    { name: 'another stable', overrides: { stable: 'v7' } },
    { name: 'another canary', overrides: { canary: 'v7' } },
  ])('rejects a command naming $name as VARIANT_MISMATCH', ({ overrides }) => {
    const state = stateIn('CANARY');
    expect(applyCommand(state, commandOn(state, PROMOTE, overrides), NOW)).toMatchObject({
      reason: { code: 'VARIANT_MISMATCH' },
    });
  });

  it('accepts a null canary on non-START commands as "the rollout\'s canary"', () => {
    const state = stateIn('CANARY');
    expect(applyAll(state, commandOn(state, PROMOTE, { canary: null })).stable).toBe('v2');
  });

  it("rejects a command routed to another model's state", () => {
    const state = stateIn('CANARY');
    const result = applyCommand(state, commandOn(state, PAUSE, { model: 'fraud' }), NOW);
    expect(result).toMatchObject({ outcome: 'REJECTED', reason: { code: 'MODEL_MISMATCH' } });
    expect(result.state).toBe(state);
    expect(result.state?.model).toBe(MODEL);
  });
});

describe('rejections', () => {
  it('record the command in lastCommand, leaving routing, seq and updatedAt alone', () => {
    const state = stateIn('CANARY');
    const command = commandOn(state, RESUME);
    const result = applyCommand(state, command, NOW + 60_000);
    expect(result.outcome).toBe('REJECTED');
    expect(result.state).toEqual({
      ...state,
      lastCommand: {
        commandId: command.commandId,
        action: 'RESUME',
        issuedBy: 'OPERATOR',
        outcome: 'REJECTED',
        reasonCode: 'ILLEGAL_TRANSITION',
        message: 'cannot RESUME: rollout "r1" is CANARY',
        issuedAt: command.issuedAt,
        at: NOW + 60_000,
        fromPhase: 'CANARY',
      },
    });
  });

  it('do not record a command too malformed to describe', () => {
    const state = stateIn('CANARY');
    const garbage = { ...commandOn(state, PAUSE), action: 'EXPLODE' } as unknown as RolloutCommand;
    const result = applyCommand(state, garbage, NOW);
    expect(result).toMatchObject({ outcome: 'REJECTED', reason: { code: 'INVALID_COMMAND' } });
    expect(result.state).toBe(state);
  });

  it('say what was wrong in plain words', () => {
    const result = applyCommand(
      stateIn('CANARY'),
      commandOn(stateIn('CANARY'), PROMOTE, { issuedBy: IssuedBy.DECISION, basedOnSeq: 0 }),
      NOW,
    );
    expect(result).toMatchObject({
      reason: {
        code: 'STALE_SEQ',
        message:
          'command was based on seq 0 but the state of model "churn" is at seq 1; re-read the state and reissue',
      },
    });
  });
});
