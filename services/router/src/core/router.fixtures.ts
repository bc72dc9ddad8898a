/** Builders for the router's unit tests: commands and the states they lead to. */
import type { RolloutCommand, RolloutState } from '@kanary/contracts';
import { applyCommand, commandOnState, type LiveAction } from '@kanary/rollout';

export const NOW = 1_780_000_000_000;

let counter = 0;
export const freshId = (): string => `cmd-${++counter}`;

/** START of rollout r1 of `weather`: stable v1, canary v2, canary mode at 20 %. */
export function start(overrides: Partial<RolloutCommand> = {}): RolloutCommand {
  return {
    commandId: freshId(),
    rolloutId: 'r1',
    model: 'weather',
    action: 'START',
    stable: 'v1',
    canary: 'v2',
    shadows: [],
    canaryWeight: 0.2,
    stepIndex: null,
    basedOnSeq: null,
    issuedBy: 'OPERATOR',
    reason: 'test',
    policy: null,
    issuedAt: NOW - 10,
    actor: null,
    candidates: [],
    ...overrides,
  };
}

/** A command of `action` against `state` (its rollout, variants and seq), by the operator. */
export function on(
  state: RolloutState,
  action: LiveAction,
  overrides: Partial<RolloutCommand> = {},
): RolloutCommand {
  const issue = {
    commandId: freshId(),
    issuedAt: NOW - 10,
    issuedBy: 'OPERATOR',
    reason: 'test',
  } as const;
  return { ...commandOnState(state, action, issue), ...overrides };
}

/** The state `commands` lead to, failing if one is not applied. */
export function stateAfter(...commands: RolloutCommand[]): RolloutState {
  let state: RolloutState | undefined;
  for (const command of commands) {
    const result = applyCommand(state, command, NOW);
    if (result.outcome !== 'APPLIED') throw new Error(`${command.action}: ${result.outcome}`);
    state = result.state;
  }
  if (state === undefined) throw new Error('no commands');
  return state;
}
