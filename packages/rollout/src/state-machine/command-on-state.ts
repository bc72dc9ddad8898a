import { RolloutAction, type IssuedBy } from '@kanary/contracts';
import type { RolloutCommand } from './rollout-command.js';
import type { RolloutState } from './rollout-state.js';

/** Who issues a command, why, and its identity; the caller supplies the id and the clock. */
export interface CommandIssue {
  commandId: string;
  /** Epoch ms. */
  issuedAt: number;
  issuedBy: IssuedBy;
  reason: string;
  /** Who exactly issued it (an operator's name, the console, a confirm webhook). @default null */
  actor?: string | null;
}

/** The actions that act on a model's current rollout (everything but START). */
export type LiveAction = Exclude<RolloutAction, typeof RolloutAction.START>;

/**
 * The words operators use for the lifecycle actions (CLI subcommands, HTTP paths, console
 * buttons) and the action each stands for.
 */
export const OperatorVerb = {
  pause: RolloutAction.PAUSE,
  resume: RolloutAction.RESUME,
  promote: RolloutAction.PROMOTE,
  rollback: RolloutAction.ROLLBACK,
  approve: RolloutAction.APPROVE,
} as const satisfies Record<string, LiveAction>;
export type OperatorVerb = keyof typeof OperatorVerb;

/**
 * A command on the rollout in `state`: it names that rollout, its variants and the `seq` the
 * issuer saw, so the state machine applies it only if nothing changed meanwhile (optimistic
 * concurrency) and otherwise rejects it as STALE_SEQ. SET_WEIGHT needs `canaryWeight`;
 * `stepIndex` is optional (null keeps the step, or enters step 0 from shadow mode).
 */
export function commandOnState(
  state: RolloutState,
  action: LiveAction,
  issue: CommandIssue,
  weight: { canaryWeight?: number; stepIndex?: number } = {},
): RolloutCommand {
  return {
    commandId: issue.commandId,
    rolloutId: state.rolloutId,
    model: state.model,
    action,
    stable: state.stable,
    canary: state.canary,
    shadows: [],
    canaryWeight: action === RolloutAction.SET_WEIGHT ? (weight.canaryWeight ?? null) : null,
    stepIndex: action === RolloutAction.SET_WEIGHT ? (weight.stepIndex ?? null) : null,
    basedOnSeq: state.seq,
    issuedBy: issue.issuedBy,
    reason: issue.reason,
    policy: null,
    issuedAt: issue.issuedAt,
    actor: issue.actor ?? null,
    candidates: [],
  };
}
