import { RolloutEventType, type RolloutEvent } from './rollout-event.js';

/** Slack's incoming-webhook body: a fallback `text` and Block Kit `blocks`. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: ReadonlyArray<Record<string, unknown>>;
}

const ICON: Readonly<Record<string, string>> = {
  ROLLBACK: ':rotating_light:',
  PAUSE: ':double_vertical_bar:',
  PROMOTE: ':white_check_mark:',
  ADVANCE: ':arrow_up:',
};

/** Slack's mrkdwn treats &, < and > as control characters. */
const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function icon(event: RolloutEvent): string {
  if (event.type === RolloutEventType.APPROVAL_REQUESTED) return ':raised_hand:';
  if (event.type === RolloutEventType.APPROVED) return ':ok_hand:';
  if (event.type === RolloutEventType.PHASE_CHANGED) return ':twisted_rightwards_arrows:';
  return ICON[event.decision?.action ?? ''] ?? ':information_source:';
}

/**
 * The event as a Slack message: a headline section, the decision's reason or the phase change,
 * and a context line with the rollout, step, weight and dedupe id.
 */
export function slackMessage(event: RolloutEvent): SlackMessage {
  const headline = `${icon(event)} *${escape(event.model)}* — ${escape(headlineOf(event))}`;
  const detail = event.decision?.reason ?? event.summary;
  const context = `rollout \`${escape(event.rolloutId)}\` · phase ${event.phase} · step ${event.stepIndex} · canary ${Math.round(event.canaryWeight * 10_000) / 100} % · id \`${escape(event.id)}\``;
  return {
    text: event.summary,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: headline } },
      { type: 'section', text: { type: 'mrkdwn', text: escape(detail).slice(0, 2_900) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
    ],
  };
}

function headlineOf(event: RolloutEvent): string {
  switch (event.type) {
    case RolloutEventType.DECISION: {
      const by = event.decision?.approvedBy ? ` (approved by ${event.decision.approvedBy})` : '';
      return `${event.decision?.action ?? 'decision'}${by}`;
    }
    case RolloutEventType.APPROVAL_REQUESTED:
      return `awaiting approval to ${event.decision?.awaitingApproval ?? 'continue'}`;
    case RolloutEventType.APPROVED:
      return `step ${event.approval?.stepIndex ?? event.stepIndex} approved by ${event.approval?.approvedBy ?? '?'}`;
    case RolloutEventType.PHASE_CHANGED:
      return `${event.phaseChange?.from ?? 'started'} → ${event.phaseChange?.to ?? event.phase}`;
  }
}
