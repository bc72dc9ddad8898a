/** Builders for state-machine tests: valid commands against a given state, and states by phase. */
import { applyCommand } from './apply-command.js';
import { IssuedBy, RolloutAction } from '@kanary/contracts';
import type { RolloutCommand } from './rollout-command.js';
import type { RolloutState } from './rollout-state.js';

export const NOW = 1_750_000_000_000;
export const MODEL = 'churn';
export const POLICY = JSON.stringify({ steps: [0.05, 0.25, 0.5, 1] });

let counter = 0;
/** A fresh command id, so that only tests about duplicates ever repeat one. */
export const freshId = (): string => `cmd-${++counter}`;

/** A valid START for {@link MODEL}: stable v1, canary v2, shadow v3, canary mode at 5 %. */
export function startCommand(overrides: Partial<RolloutCommand> = {}): RolloutCommand {
  return {
    commandId: freshId(),
    rolloutId: 'r1',
    model: MODEL,
    action: RolloutAction.START,
    stable: 'v1',
    canary: 'v2',
    shadows: ['v3'],
    canaryWeight: 0.05,
    stepIndex: null,
    basedOnSeq: null,
    issuedBy: IssuedBy.OPERATOR,
    reason: 'new model',
    policy: POLICY,
    issuedAt: NOW - 1,
    actor: null,
    candidates: [],
    ...overrides,
  };
}

/** A valid command of `action` for the rollout in `state` (seq, ids and variants taken from it). */
export function commandOn(
  state: RolloutState,
  action: RolloutAction,
  overrides: Partial<RolloutCommand> = {},
): RolloutCommand {
  return startCommand({
    rolloutId: state.rolloutId,
    action,
    stable: state.stable,
    canary: state.canary,
    shadows: [],
    canaryWeight: action === RolloutAction.SET_WEIGHT ? 0.5 : null,
    basedOnSeq: state.seq,
    policy: null,
    ...overrides,
  });
}

/** Applies commands in turn, failing loudly if one is not applied. */
export function applyAll(
  state: RolloutState | undefined,
  ...commands: RolloutCommand[]
): RolloutState {
  let current = state;
  for (const command of commands) {
    const result = applyCommand(current, command, NOW);
    if (result.outcome !== 'APPLIED') {
      throw new Error(
        `fixture command ${command.action} was ${result.outcome}: ${JSON.stringify(result)}`,
      );
    }
    current = result.state;
  }
  if (current === undefined) throw new Error('no commands given');
  return current;
}

/** Fixture sources: every phase, PAUSED once from each mode. */
export const SOURCES = [
  'SHADOW',
  'CANARY',
  'PAUSED_FROM_SHADOW',
  'PAUSED_FROM_CANARY',
  'PROMOTED',
  'ROLLED_BACK',
] as const;
export type Source = (typeof SOURCES)[number];

/** A realistic state in the given phase, reached through applied commands. */
export function stateIn(source: Source): RolloutState {
  const shadow = applyAll(undefined, startCommand({ canaryWeight: null }));
  const canary = applyAll(undefined, startCommand());
  switch (source) {
    case 'SHADOW':
      return shadow;
    case 'CANARY':
      return canary;
    case 'PAUSED_FROM_SHADOW':
      return applyAll(shadow, commandOn(shadow, RolloutAction.PAUSE));
    case 'PAUSED_FROM_CANARY':
      return applyAll(canary, commandOn(canary, RolloutAction.PAUSE));
    case 'PROMOTED':
      return applyAll(canary, commandOn(canary, RolloutAction.PROMOTE));
    case 'ROLLED_BACK':
      return applyAll(canary, commandOn(canary, RolloutAction.ROLLBACK));
  }
}
