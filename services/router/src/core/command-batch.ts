import type { RolloutCommand, RolloutState } from '@kanary/contracts';
import { applyCommand, type ApplyResult } from '@kanary/rollout';

/** One command and what the state machine did with it. */
export interface CommandResult {
  readonly command: RolloutCommand;
  readonly result: ApplyResult;
}

/** Result of {@link applyCommandBatch}. */
export interface CommandBatchOutcome {
  readonly results: readonly CommandResult[];
  /**
   * States to publish on `rollout.state`, in command order: one per APPLIED command and one per
   * REJECTED command on a model that has a state (its `lastCommand` records the rejection).
   * DUPLICATEs publish nothing.
   */
  readonly states: readonly RolloutState[];
  /**
   * Rejections that no state records (the model has none, or the command is too malformed to
   * describe): dead-lettered with the reason.
   */
  readonly unrecorded: readonly CommandResult[];
}

/**
 * Applies a partition's batch of commands in order, each to the state its predecessors left:
 * `current` supplies the committed state of a model the batch has not touched yet.
 */
export function applyCommandBatch(
  current: (model: string) => RolloutState | undefined,
  commands: readonly RolloutCommand[],
  now: number,
): CommandBatchOutcome {
  const working = new Map<string, RolloutState | undefined>();
  const stateOf = (model: string) => (working.has(model) ? working.get(model) : current(model));
  const results: CommandResult[] = [];
  const states: RolloutState[] = [];
  const unrecorded: CommandResult[] = [];
  for (const command of commands) {
    const before = stateOf(command.model);
    const result = applyCommand(before, command, now);
    results.push({ command, result });
    if (result.outcome === 'DUPLICATE') continue;
    // A rejection too malformed to record returns the state untouched.
    if (result.state === undefined || result.state === before) {
      unrecorded.push({ command, result });
      continue;
    }
    working.set(command.model, result.state);
    states.push(result.state);
  }
  return { results, states, unrecorded };
}
