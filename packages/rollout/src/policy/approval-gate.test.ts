import { describe, expect, it } from 'vitest';
import { DecisionAction } from '@kanary/contracts';
import { gateApproval } from './approval-gate.js';
import { DecisionCode, type Decision } from './decision.js';
import { parsePolicy } from './parse-policy.js';
import { liveState } from './policy.fixtures.js';

const decision = (action: DecisionAction): Decision => ({
  action,
  code: DecisionCode.ALL_PASSED,
  reason: `${action} because`,
  evidence: [],
  target: action === DecisionAction.ADVANCE ? { stepIndex: 1, canaryWeight: 0.05 } : null,
});

const approvalAt = (stepIndex: number) => ({
  stepIndex,
  approvedBy: 'alice',
  issuedBy: 'OPERATOR' as const,
  commandId: 'a-1',
  reason: '',
  at: 1,
});

type Row = [
  label: string,
  action: DecisionAction,
  gates: { promote?: boolean; advance?: boolean },
  approvedStep: number | null,
  expected: { action: DecisionAction; awaiting: DecisionAction | null; approvedBy: string | null },
];

const { HOLD, PROMOTE, ADVANCE, ROLLBACK, PAUSE } = DecisionAction;
const rows: Row[] = [
  ['no gate: promote', PROMOTE, {}, null, { action: PROMOTE, awaiting: null, approvedBy: null }],
  [
    'promote gate, unapproved',
    PROMOTE,
    { promote: true },
    null,
    { action: HOLD, awaiting: PROMOTE, approvedBy: null },
  ],
  [
    'promote gate, approved',
    PROMOTE,
    { promote: true },
    0,
    { action: PROMOTE, awaiting: null, approvedBy: 'alice' },
  ],
  [
    'promote gate, approved an earlier step',
    PROMOTE,
    { promote: true },
    3,
    { action: HOLD, awaiting: PROMOTE, approvedBy: null },
  ],
  [
    'promote gate only: advance passes',
    ADVANCE,
    { promote: true },
    null,
    { action: ADVANCE, awaiting: null, approvedBy: null },
  ],
  [
    'advance gate, unapproved',
    ADVANCE,
    { advance: true },
    null,
    { action: HOLD, awaiting: ADVANCE, approvedBy: null },
  ],
  [
    'advance gate, approved',
    ADVANCE,
    { advance: true },
    0,
    { action: ADVANCE, awaiting: null, approvedBy: 'alice' },
  ],
  [
    'rollback never waits',
    ROLLBACK,
    { promote: true, advance: true },
    null,
    { action: ROLLBACK, awaiting: null, approvedBy: null },
  ],
  [
    'pause never waits',
    PAUSE,
    { promote: true, advance: true },
    null,
    { action: PAUSE, awaiting: null, approvedBy: null },
  ],
  [
    'hold stays hold',
    HOLD,
    { promote: true, advance: true },
    null,
    { action: HOLD, awaiting: null, approvedBy: null },
  ],
];

describe('gateApproval', () => {
  it.each(rows)('%s', (_label, action, gates, approvedStep, expected) => {
    const policy = parsePolicy({ approval: gates });
    const state = liveState({ approval: approvedStep === null ? null : approvalAt(approvedStep) });
    const gated = gateApproval(decision(action), state, policy);
    expect(gated.action).toBe(expected.action);
    expect(gated.awaitingApproval ?? null).toBe(expected.awaiting);
    expect(gated.approvedBy ?? null).toBe(expected.approvedBy);
    if (expected.awaiting !== null) {
      expect(gated.code).toBe(DecisionCode.AWAITING_APPROVAL);
      expect(gated.target).toBeNull();
      expect(gated.reason).toContain(`${action} because`);
    }
  });

  it('validates the gate and webhook options, naming the field', () => {
    expect(() => parsePolicy({ approval: { promote: 'yes' } })).toThrow(/approval\.promote/);
    expect(() => parsePolicy({ approval: { confirmWebhook: { url: 'ftp://x' } } })).toThrow(
      /approval\.confirmWebhook\.url: must be an http or https URL/,
    );
    expect(() =>
      parsePolicy({ notifications: [{ url: 'https://x.example', format: 'xml' }] }),
    ).toThrow(/notifications\.0\.format/);
    expect(parsePolicy({ notifications: [{ url: 'https://x.example' }] }).notifications).toEqual([
      { url: 'https://x.example', format: 'json', events: ['decision', 'phase', 'approval'] },
    ]);
  });
});
