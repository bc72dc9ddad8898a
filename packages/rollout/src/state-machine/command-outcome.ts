import type { IssuedBy } from './issued-by.js';
import type { RolloutAction } from './rollout-action.js';

/** What {@link applyCommand} did with a command. */
export const CommandOutcomeKind = {
  APPLIED: 'APPLIED',
  /** The command id was applied before; nothing changed. */
  DUPLICATE: 'DUPLICATE',
  /** Refused with a reason; routing, seq and updatedAt are unchanged. */
  REJECTED: 'REJECTED',
} as const;
export type CommandOutcomeKind = (typeof CommandOutcomeKind)[keyof typeof CommandOutcomeKind];

/**
 * The record of the last command received for a model, kept in {@link RolloutState.lastCommand}
 * so that rejections reach the compacted state topic instead of only a log line.
 */
export interface CommandOutcome {
  commandId: string;
  action: RolloutAction;
  issuedBy: IssuedBy;
  outcome: CommandOutcomeKind;
  /** A {@link RejectionCode} when rejected, else null. */
  reasonCode: string | null;
  /** Plain-words explanation of a rejection, else null. */
  message: string | null;
  /** When the command was issued, epoch ms. */
  issuedAt: number;
  /** When the state machine handled it (the `now` passed in), epoch ms. */
  at: number;
}
