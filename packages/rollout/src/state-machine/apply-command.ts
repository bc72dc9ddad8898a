import {
  type CommandOutcome,
  CommandOutcomeKind,
  IssuedBy,
  RolloutAction,
} from '@kanary/contracts';
import { RejectionCode, type Rejection } from './rejection.js';
import { rolloutCommandSchema, type RolloutCommand } from './rollout-command.js';
import { isTerminalPhase } from './rollout-phase.js';
import { RECENT_COMMAND_IDS_LIMIT, type RolloutState } from './rollout-state.js';
import {
  LIVE_EFFECTS,
  resolveTarget,
  startFields,
  type StateFields,
} from './transition-effects.js';
import { NO_ROLLOUT, TRANSITIONS } from './transition-table.js';
import { candidateRejection, hasCandidates } from './candidates.js';

/** Result of {@link applyCommand}: a value for every outcome, never an exception. */
export type ApplyResult =
  | { outcome: typeof CommandOutcomeKind.APPLIED; state: RolloutState }
  | { outcome: typeof CommandOutcomeKind.DUPLICATE; state: RolloutState }
  | {
      outcome: typeof CommandOutcomeKind.REJECTED;
      /**
       * The input state with only `lastCommand` recording the rejection (routing, seq and
       * updatedAt unchanged; not recorded for another model's command or one too malformed to
       * describe); undefined when the model had no state.
       */
      state: RolloutState | undefined;
      reason: Rejection;
    };

/**
 * Applies one rollout command to a model's state: the router's reducer for `rollout.commands`.
 * Pure; `now` (epoch ms) stamps updatedAt, startedAt and stepStartedAt.
 *
 * Checks, in order: the command is valid ({@link rolloutCommandSchema}); it is for this model;
 * its id was not applied recently (else DUPLICATE, state untouched); it names the live rollout
 * (a START after a terminal phase must name a new one); the {@link TRANSITIONS} table allows
 * the action in this phase and for this issuer; `basedOnSeq` equals the state's seq (null or 0
 * when the model has no state); stable/canary match the rollout (a START must keep the stable
 * the model serves now); the weight rule (SET_WEIGHT must change the weight, and only an
 * operator may lower it). Then the action's effect is applied, seq increments, and the command
 * id joins the bounded `recentCommandIds`.
 */
export function applyCommand(
  state: RolloutState | undefined,
  command: RolloutCommand,
  now: number,
): ApplyResult {
  const invalid = validationRejection(state, command);
  if (invalid !== undefined) return reject(state, command, now, invalid);
  if (state?.recentCommandIds.includes(command.commandId)) {
    return { outcome: CommandOutcomeKind.DUPLICATE, state };
  }
  const identity = identityRejection(state, command);
  if (identity !== undefined) return reject(state, command, now, identity);

  const cell = TRANSITIONS[state?.phase ?? NO_ROLLOUT][command.action];
  if (!cell.allowed) return reject(state, command, now, refusal(state, command, cell.code));
  const guard =
    issuerRejection(state, command, cell.issuers) ??
    seqRejection(state, command) ??
    variantRejection(state, command);
  if (guard !== undefined) return reject(state, command, now, guard);

  const phase = resolveTarget(cell.to, state, command);
  let fields: StateFields | Rejection;
  if (command.action === RolloutAction.START) fields = startFields(command, phase, now);
  else if (state !== undefined) fields = LIVE_EFFECTS[command.action](state, command, phase, now);
  else fields = refusal(state, command, RejectionCode.NO_ROLLOUT);
  if ('code' in fields) return reject(state, command, now, fields);

  const recent = [...(state?.recentCommandIds ?? []), command.commandId];
  const next: RolloutState = {
    ...fields,
    seq: (state?.seq ?? 0) + 1,
    updatedAt: now,
    recentCommandIds: recent.slice(-RECENT_COMMAND_IDS_LIMIT),
    lastCommand: outcomeRecord(state, command, now, CommandOutcomeKind.APPLIED, null),
  };
  return { outcome: CommandOutcomeKind.APPLIED, state: next };
}

function validationRejection(
  state: RolloutState | undefined,
  command: RolloutCommand,
): Rejection | undefined {
  const parsed = rolloutCommandSchema.safeParse(command);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'command'} ${i.message}`);
    return {
      code: RejectionCode.INVALID_COMMAND,
      message: `invalid command: ${issues.join('; ')}`,
    };
  }
  if (state !== undefined && state.model !== command.model) {
    return {
      code: RejectionCode.MODEL_MISMATCH,
      message: `command for model "${command.model}" was applied to the state of model "${state.model}"`,
    };
  }
  return undefined;
}

function identityRejection(
  state: RolloutState | undefined,
  command: RolloutCommand,
): Rejection | undefined {
  if (state === undefined) return undefined;
  if (command.action !== RolloutAction.START && command.rolloutId !== state.rolloutId) {
    return {
      code: RejectionCode.ROLLOUT_MISMATCH,
      message: `command is for rollout "${command.rolloutId}" but model "${state.model}" is on rollout "${state.rolloutId}"`,
    };
  }
  if (
    command.action === RolloutAction.START &&
    isTerminalPhase(state.phase) &&
    command.rolloutId === state.rolloutId
  ) {
    return {
      code: RejectionCode.ROLLOUT_FINISHED,
      message: `rollout "${state.rolloutId}" is already ${state.phase}; a new START needs a new rolloutId`,
    };
  }
  return undefined;
}

const REFUSAL_HINTS: Partial<Record<RejectionCode, string>> = {
  [RejectionCode.NO_ROLLOUT]: '; only START can begin one',
  [RejectionCode.ROLLOUT_IN_PROGRESS]: '; PROMOTE or ROLLBACK it before starting another',
  [RejectionCode.ROLLOUT_FINISHED]: '; only a START with a new rolloutId can follow',
};

function situation(state: RolloutState | undefined, command: RolloutCommand): string {
  return state === undefined
    ? `model "${command.model}" has no rollout`
    : `rollout "${state.rolloutId}" is ${state.phase}`;
}

function refusal(
  state: RolloutState | undefined,
  command: RolloutCommand,
  code: RejectionCode,
): Rejection {
  const hint = REFUSAL_HINTS[code] ?? '';
  return { code, message: `cannot ${command.action}: ${situation(state, command)}${hint}` };
}

function issuerRejection(
  state: RolloutState | undefined,
  command: RolloutCommand,
  issuers: readonly IssuedBy[],
): Rejection | undefined {
  if (issuers.includes(command.issuedBy)) return undefined;
  return {
    code: RejectionCode.ISSUER_NOT_ALLOWED,
    message: `${command.issuedBy} cannot ${command.action} while ${situation(state, command)}; only ${issuers.join(' or ')} can`,
  };
}

function seqRejection(
  state: RolloutState | undefined,
  command: RolloutCommand,
): Rejection | undefined {
  const expected = state?.seq ?? null;
  const matches =
    expected === null
      ? command.basedOnSeq === null || command.basedOnSeq === 0
      : command.basedOnSeq === expected;
  if (matches) return undefined;
  return {
    code: RejectionCode.STALE_SEQ,
    message:
      expected === null
        ? `model "${command.model}" has no rollout state yet, so basedOnSeq must be null, not ${command.basedOnSeq}`
        : `command was based on seq ${command.basedOnSeq ?? 'null'} but the state of model "${command.model}" is at seq ${expected}; re-read the state and reissue`,
  };
}

function variantRejection(
  state: RolloutState | undefined,
  command: RolloutCommand,
): Rejection | undefined {
  if (state === undefined) return undefined;
  if (command.stable !== state.stable) {
    const why =
      command.action === RolloutAction.START
        ? 'a START must keep the variant the model serves now'
        : 'the command must name the rollout it was computed for';
    return {
      code: RejectionCode.VARIANT_MISMATCH,
      message: `command names stable "${command.stable}" but model "${state.model}" has stable "${state.stable}"; ${why}`,
    };
  }
  if (command.action !== RolloutAction.START && hasCandidates(state)) {
    const needsCandidate =
      command.action === RolloutAction.SET_WEIGHT || command.action === RolloutAction.PROMOTE;
    return candidateRejection(state, command, needsCandidate);
  }
  if (
    command.action !== RolloutAction.START &&
    command.canary !== null &&
    command.canary !== state.canary
  ) {
    return {
      code: RejectionCode.VARIANT_MISMATCH,
      message: `command names canary "${command.canary}" but rollout "${state.rolloutId}" has canary "${state.canary ?? 'none'}"`,
    };
  }
  return undefined;
}

function reject(
  state: RolloutState | undefined,
  command: RolloutCommand,
  now: number,
  reason: Rejection,
): ApplyResult {
  // A command too malformed to describe (unknown action or issuer) cannot be recorded, and one
  // for another model does not belong in this model's record.
  const recordable =
    state !== undefined &&
    reason.code !== RejectionCode.MODEL_MISMATCH &&
    typeof command.commandId === 'string' &&
    Object.values(RolloutAction).includes(command.action) &&
    Object.values(IssuedBy).includes(command.issuedBy) &&
    Number.isFinite(command.issuedAt);
  const recorded = recordable
    ? {
        ...state,
        lastCommand: outcomeRecord(state, command, now, CommandOutcomeKind.REJECTED, reason),
      }
    : state;
  return { outcome: CommandOutcomeKind.REJECTED, state: recorded, reason };
}

/** What happened to `command`, applied to `state` (its phase is the record's `fromPhase`). */
function outcomeRecord(
  state: RolloutState | undefined,
  command: RolloutCommand,
  now: number,
  outcome: CommandOutcomeKind,
  reason: Rejection | null,
): CommandOutcome {
  return {
    commandId: command.commandId,
    action: command.action,
    issuedBy: command.issuedBy,
    outcome,
    reasonCode: reason?.code ?? null,
    message: reason?.message ?? null,
    issuedAt: command.issuedAt,
    at: now,
    fromPhase: state?.phase ?? null,
  };
}
