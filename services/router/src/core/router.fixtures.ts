/** Builders for the router's unit tests: commands and the states they lead to. */
import type { RolloutCommand, RolloutState } from '@kanary/contracts';
import { applyCommand } from '@kanary/rollout';

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
    ...overrides,
  };
}

/** A command of `action` against `state` (its rollout, variants and seq). */
export function on(
  state: RolloutState,
  action: RolloutCommand['action'],
  overrides: Partial<RolloutCommand> = {},
): RolloutCommand {
  return start({
    rolloutId: state.rolloutId,
    model: state.model,
    action,
    stable: state.stable,
    canary: state.canary,
    canaryWeight: null,
    basedOnSeq: state.seq,
    ...overrides,
  });
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
