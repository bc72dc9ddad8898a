/**
 * Every (source phase × action × issuer), legal and illegal, against literal expectations
 * written independently of the TRANSITIONS data: a phase name means APPLIED into that phase,
 * anything else is the expected rejection code.
 */
import { describe, expect, it } from 'vitest';
import { applyCommand } from './apply-command.js';
import { IssuedBy, RolloutAction } from '@kanary/contracts';
import type { RolloutCommand } from './rollout-command.js';
import { rolloutStateSchema, type RolloutState } from './rollout-state.js';
import { NOW, SOURCES, commandOn, startCommand, stateIn, type Source } from './rollout.fixtures.js';
import { NO_ROLLOUT, TRANSITIONS } from './transition-table.js';

type Expected = readonly [decision: string, operator: string];
const both = (expected: string): Expected => [expected, expected];
const operatorOnly = (expected: string): Expected => ['ISSUER_NOT_ALLOWED', expected];

const finished: Record<RolloutAction, Expected> = {
  START: operatorOnly('CANARY'),
  SET_WEIGHT: both('ROLLOUT_FINISHED'),
  PAUSE: both('ROLLOUT_FINISHED'),
  RESUME: both('ROLLOUT_FINISHED'),
  PROMOTE: both('ROLLOUT_FINISHED'),
  ROLLBACK: both('ROLLOUT_FINISHED'),
  APPROVE: both('ROLLOUT_FINISHED'),
};

const EXPECTED: Record<Source | 'NONE', Record<RolloutAction, Expected>> = {
  NONE: {
    START: operatorOnly('CANARY'),
    SET_WEIGHT: both('NO_ROLLOUT'),
    PAUSE: both('NO_ROLLOUT'),
    RESUME: both('NO_ROLLOUT'),
    PROMOTE: both('NO_ROLLOUT'),
    ROLLBACK: both('NO_ROLLOUT'),
    APPROVE: both('NO_ROLLOUT'),
  },
  SHADOW: {
    START: both('ROLLOUT_IN_PROGRESS'),
    SET_WEIGHT: both('CANARY'),
    PAUSE: both('PAUSED'),
    RESUME: both('ILLEGAL_TRANSITION'),
    PROMOTE: operatorOnly('PROMOTED'),
    ROLLBACK: both('ROLLED_BACK'),
    APPROVE: both('SHADOW'),
  },
  CANARY: {
    START: both('ROLLOUT_IN_PROGRESS'),
    SET_WEIGHT: both('CANARY'),
    PAUSE: both('PAUSED'),
    RESUME: both('ILLEGAL_TRANSITION'),
    PROMOTE: both('PROMOTED'),
    ROLLBACK: both('ROLLED_BACK'),
    APPROVE: both('CANARY'),
  },
  PAUSED_FROM_SHADOW: {
    START: both('ROLLOUT_IN_PROGRESS'),
    SET_WEIGHT: operatorOnly('PAUSED'),
    PAUSE: both('ILLEGAL_TRANSITION'),
    RESUME: operatorOnly('SHADOW'),
    PROMOTE: operatorOnly('PROMOTED'),
    ROLLBACK: both('ROLLED_BACK'),
    APPROVE: operatorOnly('PAUSED'),
  },
  PAUSED_FROM_CANARY: {
    START: both('ROLLOUT_IN_PROGRESS'),
    SET_WEIGHT: operatorOnly('PAUSED'),
    PAUSE: both('ILLEGAL_TRANSITION'),
    RESUME: operatorOnly('CANARY'),
    PROMOTE: operatorOnly('PROMOTED'),
    ROLLBACK: both('ROLLED_BACK'),
    APPROVE: operatorOnly('PAUSED'),
  },
  PROMOTED: finished,
  ROLLED_BACK: finished,
};

/** A command that passes every check but the table's: a new rollout for START, else this one. */
function commandFor(
  state: RolloutState | undefined,
  action: RolloutAction,
  issuedBy: IssuedBy,
): RolloutCommand {
  if (state === undefined) {
    return action === RolloutAction.START
      ? startCommand({ issuedBy })
      : startCommand({ action, issuedBy, canaryWeight: 0.5, policy: null });
  }
  if (action === RolloutAction.START) {
    return startCommand({
      rolloutId: 'r2',
      stable: state.stable,
      canary: 'v9',
      shadows: [],
      basedOnSeq: state.seq,
      issuedBy,
    });
  }
  return commandOn(state, action, { issuedBy });
}

const cases = (['NONE', ...SOURCES] as const).flatMap((source) =>
  Object.values(RolloutAction).flatMap((action) =>
    ([IssuedBy.DECISION, IssuedBy.OPERATOR] as const).map((issuedBy, i) => ({
      source,
      action,
      issuedBy,
      expected: EXPECTED[source][action][i] as string,
    })),
  ),
);

describe('rollout transition matrix', () => {
  it('covers 7 sources × 7 actions × 2 issuers', () => {
    expect(cases).toHaveLength(98);
  });

  it.each(cases)(
    '$source + $action by $issuedBy → $expected',
    ({ source, action, issuedBy, expected }) => {
      const before = source === 'NONE' ? undefined : stateIn(source);
      const command = commandFor(before, action, issuedBy);
      const result = applyCommand(before, command, NOW + 1000);

      if (result.outcome === 'APPLIED') {
        expect(result.state.phase).toBe(expected);
        expect(result.state.seq).toBe((before?.seq ?? 0) + 1);
        expect(result.state.updatedAt).toBe(NOW + 1000);
        expect(result.state.recentCommandIds.at(-1)).toBe(command.commandId);
        expect(result.state.lastCommand).toMatchObject({
          commandId: command.commandId,
          outcome: 'APPLIED',
          reasonCode: null,
          fromPhase: before?.phase ?? null,
        });
        expect(rolloutStateSchema.safeParse(result.state).success).toBe(true);
      } else {
        expect(result.outcome).toBe('REJECTED');
        if (result.outcome !== 'REJECTED') return;
        expect(result.reason.code).toBe(expected);
        expect(result.reason.message.length).toBeGreaterThan(20);
        if (before === undefined) {
          expect(result.state).toBeUndefined();
        } else {
          // Only the record of the last command changes on a rejection.
          expect({ ...result.state, lastCommand: before.lastCommand }).toEqual(before);
          expect(result.state?.lastCommand).toMatchObject({
            commandId: command.commandId,
            outcome: 'REJECTED',
            reasonCode: expected,
            fromPhase: before.phase,
          });
        }
      }
    },
  );

  it('has a cell for every phase and action, matching the expectations above', () => {
    for (const phase of [
      NO_ROLLOUT,
      'SHADOW',
      'CANARY',
      'PAUSED',
      'PROMOTED',
      'ROLLED_BACK',
    ] as const) {
      expect(Object.keys(TRANSITIONS[phase]).sort()).toEqual(Object.values(RolloutAction).sort());
    }
    expect(TRANSITIONS.PAUSED.RESUME).toEqual({
      allowed: true,
      to: 'PAUSED_FROM',
      issuers: ['OPERATOR'],
    });
    expect(TRANSITIONS.CANARY.RESUME).toEqual({ allowed: false, code: 'ILLEGAL_TRANSITION' });
  });
});
