import type { RolloutCommand, RolloutState } from '@kanary/contracts';
import type { RolloutView } from './rollout-view.js';

/** What the router did with a command, as recorded on `rollout.state`. */
export type CommandOutcome =
  | { readonly outcome: 'APPLIED'; readonly state: RolloutState }
  | {
      readonly outcome: 'REJECTED';
      readonly state: RolloutState;
      readonly reasonCode: string | null;
      readonly message: string | null;
    };

/**
 * Waits until the model's state shows the command handled — as its last command, or among the
 * recently applied ids when later commands followed it — and says how.
 * @throws StateWaitTimeoutError after `timeoutMs` (no router handled it).
 */
export async function awaitCommandOutcome(
  view: RolloutView,
  command: RolloutCommand,
  timeoutMs: number,
): Promise<CommandOutcome> {
  const state = await view.waitForState(
    command.model,
    (s) =>
      s.lastCommand?.commandId === command.commandId ||
      s.recentCommandIds.includes(command.commandId),
    timeoutMs,
  );
  const last = state.lastCommand?.commandId === command.commandId ? state.lastCommand : null;
  if (last?.outcome === 'REJECTED') {
    return { outcome: 'REJECTED', state, reasonCode: last.reasonCode, message: last.message };
  }
  return { outcome: 'APPLIED', state };
}
