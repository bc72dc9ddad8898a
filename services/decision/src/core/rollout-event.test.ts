import { exampleEvents, type DecisionReport, type RolloutState } from '@kanary/contracts';
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

describe('eventsFromState', () => {
  it.each([
    ['a new rollout', undefined, state({}), ['rollout.phase_changed']],
    ['the same phase', state({ seq: 1 }), state({ seq: 2 }), []],
    [
      'a phase change',
      state({ seq: 1 }),
      state({ seq: 2, phase: 'PAUSED', pausedFrom: 'CANARY' }),
      ['rollout.phase_changed'],
    ],
    [
      'an approval',
      state({ seq: 1 }),
      state({
        seq: 2,
        approval: {
          stepIndex: 1,
          approvedBy: 'alice',
          issuedBy: 'OPERATOR',
          commandId: 'a',
          reason: '',
          at: 5,
        },
      }),
      ['rollout.approved'],
    ],
    [
      'another rollout of the model',
      state({ seq: 1 }),
      state({ seq: 2, rolloutId: 'ro-2' }),
      ['rollout.phase_changed'],
    ],
  ] as const)('%s', (_label, previous, next, types) => {
    expect(eventsFromState(previous, next).map((e) => e.type)).toEqual(types);
  });

  it('names the rollout and seq in the id of a phase change', () => {
    const [event] = eventsFromState(undefined, state({ seq: 7 }));
    expect(event).toMatchObject({ id: 'phase:ro-1:7', phaseChange: { from: null, to: 'CANARY' } });
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
