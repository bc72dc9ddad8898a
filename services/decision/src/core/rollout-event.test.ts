import {
  exampleEvents,
  type CommandOutcome as RolloutCommandOutcome,
  type DecisionReport,
  type RolloutState,
} from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { eventsFromReport, eventsFromState } from './rollout-event.js';
import { slackMessage } from './slack-message.js';

const report = (over: Partial<DecisionReport>): DecisionReport => ({
  ...exampleEvents.DecisionReport,
  approvedBy: null,
  ...over,
});
const state = (over: Partial<RolloutState>): RolloutState => ({
  ...exampleEvents.RolloutState,
  approval: null,
  ...over,
});

describe('eventsFromReport', () => {
  it.each([
    ['ADVANCE', null, ['rollout.decision']],
    ['ROLLBACK', null, ['rollout.decision']],
    ['PAUSE', null, ['rollout.decision']],
    ['HOLD', null, []],
    ['HOLD', 'PROMOTE', ['rollout.approval_requested']],
  ] as const)('%s awaiting %s → %j', (action, awaitingApproval, types) => {
    const events = eventsFromReport(report({ action, awaitingApproval }));
    expect(events.map((e) => e.type)).toEqual(types);
  });

  it('gives the HOLDs repeated while one step waits the same dedupe id', () => {
    const wait = { action: 'HOLD', awaitingApproval: 'PROMOTE' } as const;
    const [a] = eventsFromReport(report({ ...wait, decisionId: 'd-1', at: 1 }));
    const [b] = eventsFromReport(report({ ...wait, decisionId: 'd-2', at: 2 }));
    expect(a?.id).toBe(b?.id);
    expect(a?.id).toBe('approval-requested:ro-1:0:PROMOTE');
  });
});

const command = (
  action: RolloutCommandOutcome['action'],
  fromPhase: RolloutCommandOutcome['fromPhase'],
  outcome: RolloutCommandOutcome['outcome'] = 'APPLIED',
  commandId = `c-${action}`,
): RolloutCommandOutcome => ({
  ...exampleEvents.RolloutState.lastCommand!,
  commandId,
  action,
  outcome,
  fromPhase,
});
const APPROVAL = {
  stepIndex: 1,
  approvedBy: 'alice',
  issuedBy: 'OPERATOR',
  commandId: 'c-APPROVE',
  reason: '',
  at: 5,
} as const;

describe('eventsFromState', () => {
  it.each([
    [
      'a new rollout',
      undefined,
      state({ lastCommand: command('START', null) }),
      ['rollout.phase_changed'],
    ],
    [
      'a new rollout after a finished one',
      state({ phase: 'PROMOTED' }),
      state({ rolloutId: 'ro-2', lastCommand: command('START', 'PROMOTED') }),
      ['rollout.phase_changed'],
    ],
    ['the same phase', undefined, state({ lastCommand: command('SET_WEIGHT', 'CANARY') }), []],
    [
      'a phase change, with no earlier record seen',
      undefined,
      state({ phase: 'PAUSED', pausedFrom: 'CANARY', lastCommand: command('PAUSE', 'CANARY') }),
      ['rollout.phase_changed'],
    ],
    [
      'a rejected command',
      undefined,
      state({ lastCommand: command('RESUME', 'CANARY', 'REJECTED') }),
      [],
    ],
    [
      'an approval',
      undefined,
      state({ approval: APPROVAL, lastCommand: command('APPROVE', 'CANARY') }),
      ['rollout.approved'],
    ],
    [
      'an approval held by a later record',
      undefined,
      state({ approval: APPROVAL, lastCommand: command('PAUSE', 'CANARY', 'REJECTED') }),
      [],
    ],
    [
      'an older router’s record, after the state before it',
      state({ seq: 1 }),
      state({ seq: 2, phase: 'PAUSED', pausedFrom: 'CANARY', lastCommand: command('PAUSE', null) }),
      ['rollout.phase_changed'],
    ],
    [
      'an older router’s record in the same phase',
      state({ seq: 1 }),
      state({ seq: 2, lastCommand: command('SET_WEIGHT', null) }),
      [],
    ],
  ] as const)('%s', (_label, previous, next, types) => {
    expect(eventsFromState(previous, next).map((e) => e.type)).toEqual(types);
  });

  it('names the rollout and seq in the id of a phase change, and where it came from', () => {
    const [started] = eventsFromState(
      undefined,
      state({ seq: 7, lastCommand: command('START', null) }),
    );
    expect(started).toMatchObject({
      id: 'phase:ro-1:7',
      phaseChange: { from: null, to: 'CANARY' },
    });
    const paused = state({
      seq: 8,
      phase: 'PAUSED',
      pausedFrom: 'CANARY',
      lastCommand: command('PAUSE', 'CANARY'),
    });
    expect(eventsFromState(undefined, paused)[0]).toMatchObject({
      id: 'phase:ro-1:8',
      phaseChange: { from: 'CANARY', to: 'PAUSED', command: { action: 'PAUSE' } },
    });
  });
});

describe('slackMessage', () => {
  it('has the fallback text and escaped mrkdwn blocks', () => {
    const [event] = eventsFromReport(report({ action: 'ROLLBACK', reason: 'a < b & c' }));
    const message = slackMessage(event!);
    expect(message.text).toContain('weather: ROLLBACK');
    expect(message.blocks).toHaveLength(3);
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'a &lt; b &amp; c' },
    });
  });
});
