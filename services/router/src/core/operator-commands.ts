/**
 * Builds operator commands for the HTTP API. Every command names the rollout and the `seq` the
 * operator acted on (optimistic concurrency: if the state moved meanwhile, the router rejects it
 * as STALE_SEQ instead of acting on an outdated view) and goes through the same state machine as
 * the decision service's commands.
 */
import { IssuedBy, RolloutAction, type RolloutCommand, type RolloutState } from '@kanary/contracts';
import { commandOnState, commandTarget, OperatorVerb, rolloutCommandSchema } from '@kanary/rollout';
import { describeIssues } from '@kanary/rollout';
import type { StartRequest } from './http-schemas.js';

/** The operator verbs that only need the live rollout, by their URL segment. */
export const LifecycleVerb = OperatorVerb;
export type LifecycleVerb = OperatorVerb;

/** What makes a command unique and when it was issued; the shell supplies both. */
export interface CommandStamp {
  readonly commandId: string;
  readonly issuedAt: number;
}

export type Built = { ok: true; command: RolloutCommand } | { ok: false; message: string };

const operatorIssue = (stamp: CommandStamp, verb: string, reason: string | undefined) => ({
  ...stamp,
  issuedBy: IssuedBy.OPERATOR,
  reason: reason ?? `operator ${verb} via the HTTP API`,
});

/** What an operator's command says beyond its verb: why, and (A/B/n) which candidate. */
export interface CommandRequest {
  readonly reason?: string | undefined;
  /** The candidate of an A/B/n rollout the command is about (`commandTarget` of the rollout). */
  readonly canary?: string | undefined;
}

/**
 * PAUSE, RESUME, PROMOTE, ROLLBACK or APPROVE of the model's current rollout; of an A/B/n
 * rollout, about the candidate `canary` names (a PROMOTE must name one, a ROLLBACK without one
 * rolls back every candidate). Refused with a message naming the candidates otherwise.
 */
export function lifecycleCommand(
  state: RolloutState,
  verb: LifecycleVerb,
  stamp: CommandStamp,
  request: CommandRequest = {},
): Built {
  const action = LifecycleVerb[verb];
  const target = commandTarget(state, action, request.canary ?? null);
  if (!target.ok) return target;
  return {
    ok: true,
    command: commandOnState(target.state, action, operatorIssue(stamp, verb, request.reason)),
  };
}

/** SET_WEIGHT of the model's current rollout (of an A/B/n rollout: of the candidate named). */
export function weightCommand(
  state: RolloutState,
  weight: { canaryWeight: number; stepIndex?: number | undefined },
  stamp: CommandStamp,
  request: CommandRequest = {},
): Built {
  const { canaryWeight, stepIndex } = weight;
  const target = commandTarget(state, RolloutAction.SET_WEIGHT, request.canary ?? null);
  if (!target.ok) return target;
  return {
    ok: true,
    command: commandOnState(
      target.state,
      RolloutAction.SET_WEIGHT,
      operatorIssue(stamp, 'set weight', request.reason),
      stepIndex === undefined ? { canaryWeight } : { canaryWeight, stepIndex },
    ),
  };
}

/**
 * START of a new rollout of `model`. The stable defaults to what the model serves now (its
 * current stable, else its default variant); shadow mode unless a positive canaryWeight is given.
 * With `candidates` (A/B/n) each starts at canaryWeight, which must be positive and within a
 * candidate's slice.
 * Returns the schema's complaint instead of a command the state machine would refuse as invalid.
 */
export function startCommand(
  model: string,
  request: StartRequest,
  current: RolloutState | undefined,
  defaultVariant: string | undefined,
  stamp: CommandStamp & { rolloutId: string },
): Built {
  const stable = request.stable ?? current?.stable ?? defaultVariant;
  if (stable === undefined) {
    return {
      ok: false,
      message: `stable: is required, model "${model}" has no rollout and no default variant`,
    };
  }
  const weight = request.shadow === true ? null : (request.canaryWeight ?? null);
  const command: RolloutCommand = {
    commandId: stamp.commandId,
    rolloutId: request.rolloutId ?? stamp.rolloutId,
    model,
    action: RolloutAction.START,
    stable,
    canary: request.canary ?? null,
    shadows: request.shadows ?? [],
    canaryWeight: weight === 0 ? null : weight,
    stepIndex: null,
    basedOnSeq: current?.seq ?? null,
    issuedBy: IssuedBy.OPERATOR,
    reason: request.reason ?? 'operator start via the HTTP API',
    policy:
      request.policy === undefined
        ? null
        : typeof request.policy === 'string'
          ? request.policy
          : JSON.stringify(request.policy),
    issuedAt: stamp.issuedAt,
    actor: null,
    candidates: request.candidates ?? [],
  };
  const parsed = rolloutCommandSchema.safeParse(command);
  return parsed.success
    ? { ok: true, command }
    : { ok: false, message: describeIssues(parsed.error) };
}
