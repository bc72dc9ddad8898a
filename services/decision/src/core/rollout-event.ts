/**
 * What the decision service tells webhooks about: one {@link RolloutEvent} per decision that
 * issues a command, per awaited or given approval and per phase change. Pure: built from
 * reports and states, with a dedupe id that is the same however often (and by whichever
 * instance or restart) the same event is built, so receivers can drop repeats of an
 * at-least-once delivery.
 */
import {
  CommandOutcomeKind,
  DecisionAction,
  RolloutAction,
  type DecisionReport,
  type MetricEvidence,
  type RolloutState,
} from '@kanary/contracts';
import { NotificationEvent } from '@kanary/rollout';

export const RolloutEventType = {
  DECISION: 'rollout.decision',
  APPROVAL_REQUESTED: 'rollout.approval_requested',
  APPROVED: 'rollout.approved',
  PHASE_CHANGED: 'rollout.phase_changed',
} as const;
export type RolloutEventType = (typeof RolloutEventType)[keyof typeof RolloutEventType];

/** The notification event each type belongs to (what a target subscribes to). */
export const EVENT_KIND: Readonly<Record<RolloutEventType, NotificationEvent>> = {
  [RolloutEventType.DECISION]: NotificationEvent.DECISION,
  [RolloutEventType.APPROVAL_REQUESTED]: NotificationEvent.APPROVAL,
  [RolloutEventType.APPROVED]: NotificationEvent.APPROVAL,
  [RolloutEventType.PHASE_CHANGED]: NotificationEvent.PHASE,
};

/** The generic JSON payload (also what the confirm webhook receives). */
export interface RolloutEvent {
  /** Dedupe id: the same event always has the same id (also in the `X-Kanary-Event-Id` header). */
  readonly id: string;
  readonly type: RolloutEventType;
  /** Epoch ms: when it happened (decision time, or when the router applied the state). */
  readonly at: number;
  readonly model: string;
  readonly rolloutId: string;
  readonly phase: string;
  readonly stepIndex: number;
  readonly canaryWeight: number;
  /** Plain words, one line. */
  readonly summary: string;
  /** DECISION and APPROVAL_REQUESTED. */
  readonly decision?: {
    readonly decisionId: string;
    readonly action: string;
    readonly reason: string;
    readonly code: string | null;
    readonly commandId: string | null;
    readonly awaitingApproval: string | null;
    readonly approvedBy: string | null;
    readonly evidence: readonly MetricEvidence[];
  };
  /** APPROVED. */
  readonly approval?: NonNullable<RolloutState['approval']>;
  /** PHASE_CHANGED. */
  readonly phaseChange?: {
    readonly from: string | null;
    readonly to: string;
    readonly seq: number;
    readonly stable: string;
    readonly canary: string | null;
    readonly command: { readonly action: string; readonly issuedBy: string } | null;
  };
}

const pct = (w: number): string => `${Math.round(w * 10_000) / 100} %`;

function decisionCode(report: DecisionReport): string | null {
  try {
    const details = JSON.parse(report.details ?? '{}') as { code?: unknown };
    return typeof details.code === 'string' ? details.code : null;
  } catch {
    return null;
  }
}

function fromReport(report: DecisionReport, type: RolloutEventType, id: string, summary: string) {
  return {
    id,
    type,
    at: report.at,
    model: report.model,
    rolloutId: report.rolloutId,
    phase: report.phase,
    stepIndex: report.stepIndex,
    canaryWeight: report.canaryWeight,
    summary,
    decision: {
      decisionId: report.decisionId,
      action: report.action,
      reason: report.reason,
      code: decisionCode(report),
      commandId: report.commandId,
      awaitingApproval: report.awaitingApproval,
      approvedBy: report.approvedBy,
      evidence: report.evidence,
    },
  };
}

/**
 * The events of a published decision report: a decision that issues a command (any action but
 * HOLD), or a HOLD that awaits approval. Other HOLDs ("need more data") are not news. The id of
 * an approval request names the rollout, step and action, so the HOLD reports repeated while it
 * waits are one event.
 */
export function eventsFromReport(report: DecisionReport): RolloutEvent[] {
  if (report.action !== DecisionAction.HOLD) {
    const approved = report.approvedBy !== null ? ` (approved by ${report.approvedBy})` : '';
    return [
      fromReport(
        report,
        RolloutEventType.DECISION,
        `decision:${report.decisionId}`,
        `${report.model}: ${report.action}${approved} at ${pct(report.canaryWeight)} (step ${report.stepIndex}) — ${report.reason}`,
      ),
    ];
  }
  if (report.awaitingApproval !== null) {
    return [
      fromReport(
        report,
        RolloutEventType.APPROVAL_REQUESTED,
        `approval-requested:${report.rolloutId}:${report.stepIndex}:${report.awaitingApproval}`,
        `${report.model}: awaiting approval to ${report.awaitingApproval} (step ${report.stepIndex}) — ${report.reason}`,
      ),
    ];
  }
  return [];
}

function fromState(state: RolloutState) {
  return {
    at: state.updatedAt,
    model: state.model,
    rolloutId: state.rolloutId,
    phase: state.phase,
    stepIndex: state.stepIndex,
    canaryWeight: state.canaryWeight,
  };
}

/**
 * The phase a state record changed from: what its command found (`lastCommand.fromPhase`), so a
 * reader needs no earlier record; for records from routers that did not record it, the phase of
 * the state seen before (undefined: none seen). Null for a new rollout.
 */
function phaseBefore(previous: RolloutState | undefined, next: RolloutState): string | null {
  const command = next.lastCommand;
  if (command?.action === RolloutAction.START && command.outcome === CommandOutcomeKind.APPLIED) {
    return null;
  }
  if (command?.fromPhase != null) return command.fromPhase;
  return previous?.rolloutId === next.rolloutId ? previous.phase : null;
}

/**
 * The events of a model's state record: its phase changed (a new rollout counts as a change from
 * nothing), or its step was approved (the record's command is the APPROVE it holds). Both are
 * read from the record itself; `previous` (the state seen before, if any) only serves records of
 * older routers. Ids name the rollout and the state's seq, or the APPROVE command, so reading
 * the record again builds the same events.
 */
export function eventsFromState(
  previous: RolloutState | undefined,
  next: RolloutState,
): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  const command = next.lastCommand;
  const from = phaseBefore(previous, next);
  if (from !== next.phase) {
    const by = command !== null ? ` (${command.action} by ${command.issuedBy})` : '';
    events.push({
      ...fromState(next),
      id: `phase:${next.rolloutId}:${next.seq}`,
      type: RolloutEventType.PHASE_CHANGED,
      summary: `${next.model}: ${from ?? 'started'} → ${next.phase}${by}, canary ${next.canary ?? '–'} at ${pct(next.canaryWeight)}`,
      phaseChange: {
        from,
        to: next.phase,
        seq: next.seq,
        stable: next.stable,
        canary: next.canary,
        command: command !== null ? { action: command.action, issuedBy: command.issuedBy } : null,
      },
    });
  }
  const approval = next.approval;
  if (
    approval !== null &&
    command?.commandId === approval.commandId &&
    command.outcome === CommandOutcomeKind.APPLIED
  ) {
    events.push({
      ...fromState(next),
      at: approval.at,
      id: `approved:${next.rolloutId}:${approval.commandId}`,
      type: RolloutEventType.APPROVED,
      summary: `${next.model}: step ${approval.stepIndex} approved by ${approval.approvedBy}${approval.reason ? ` — ${approval.reason}` : ''}`,
      approval,
    });
  }
  return events;
}

/**
 * The request a confirm webhook receives while a rollout awaits approval: the same payload as
 * the `rollout.approval_requested` notification (same dedupe id).
 */
export function approvalRequestEvent(
  wait: {
    readonly state: RolloutState;
    readonly action: string;
    readonly reason: string;
  },
  now: number,
): RolloutEvent {
  const { state, action, reason } = wait;
  return {
    id: `approval-requested:${state.rolloutId}:${state.stepIndex}:${action}`,
    type: RolloutEventType.APPROVAL_REQUESTED,
    at: now,
    model: state.model,
    rolloutId: state.rolloutId,
    phase: state.phase,
    stepIndex: state.stepIndex,
    canaryWeight: state.canaryWeight,
    summary: `${state.model}: awaiting approval to ${action} (step ${state.stepIndex}) — ${reason}`,
    decision: {
      decisionId: `${state.rolloutId}:${state.seq}:HOLD:${now}`,
      action: DecisionAction.HOLD,
      reason,
      code: 'AWAITING_APPROVAL',
      commandId: null,
      awaitingApproval: action,
      approvedBy: null,
      evidence: [],
    },
  };
}
