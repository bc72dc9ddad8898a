import { z } from 'zod';
import {
  CandidateStatus,
  CommandOutcomeKind,
  IssuedBy,
  RolloutAction,
  RolloutPhase,
  type RolloutState as WireRolloutState,
} from '@kanary/contracts';
import {
  checkVariantSet,
  epochMillis,
  nonEmptyId,
  policyText,
  weight,
} from './schema-primitives.js';

/**
 * How many applied command ids a state remembers for de-duplication. Commands are keyed by
 * model, so a redelivery arrives within a few commands of the original; 256 keeps the record
 * small on the compacted topic while covering far more than any retry burst.
 */
export const RECENT_COMMAND_IDS_LIMIT = 256;

/**
 * The applied rollout of one model (compacted topic `rollout.state`, keyed by model): the wire
 * type generated from `schemas/rollout-state.avsc`, so the two cannot drift. Treat it as
 * immutable: {@link applyCommand} returns new objects. Rules beyond the wire, which
 * {@link rolloutStateSchema} checks:
 *
 * - `pausedFrom` (SHADOW or CANARY) is set exactly while PAUSED.
 * - `canary` is null after PROMOTE and kept after ROLLBACK as the record of what was rolled back;
 *   `shadows` is [] and `canaryWeight` 0 once terminal; shadow mode has weight 0, stepIndex -1.
 * - `seq` is per model, not per rollout: 1 after the model's first START, +1 on every applied
 *   command. Commands name it in `basedOnSeq`.
 * - `stepStartedAt` is when the current policy step (or shadow phase) began: set on START and
 *   on a SET_WEIGHT that changes the step or leaves shadow mode.
 * - `recentCommandIds` holds the last {@link RECENT_COMMAND_IDS_LIMIT} applied ids, oldest first;
 *   `lastCommand` the outcome of the last command received (duplicates leave it as is).
 * - `candidates` (A/B/n rollouts, candidates.ts): each candidate's status, weight and step; the
 *   rollout then has no canary, `canaryWeight` is the LIVE candidates' total.
 * - `approval` is who approved the current step (APPROVE); a new step or START clears it.
 */
export type RolloutState = WireRolloutState;

const commandOutcomeSchema = z.object({
  commandId: nonEmptyId,
  action: z.nativeEnum(RolloutAction),
  issuedBy: z.nativeEnum(IssuedBy),
  outcome: z.nativeEnum(CommandOutcomeKind),
  reasonCode: z.string().nullable(),
  message: z.string().nullable(),
  issuedAt: epochMillis,
  at: epochMillis,
  fromPhase: z.nativeEnum(RolloutPhase).nullable(),
});

const approvalSchema = z.object({
  stepIndex: z.number().int().min(-1),
  approvedBy: nonEmptyId,
  issuedBy: z.nativeEnum(IssuedBy),
  commandId: nonEmptyId,
  reason: z.string(),
  at: epochMillis,
});

const candidateSchema = z.object({
  variant: nonEmptyId,
  status: z.nativeEnum(CandidateStatus),
  weight,
  stepIndex: z.number().int().min(0),
  stepStartedAt: epochMillis,
  changedAt: epochMillis,
});

const resumablePhase = z.enum([RolloutPhase.SHADOW, RolloutPhase.CANARY]);

/**
 * Semantic validation of a {@link RolloutState}, e.g. for a state restored from the compacted
 * topic: field ranges plus the invariants every state produced by {@link applyCommand} keeps
 * (pausedFrom set exactly while PAUSED; a live rollout has a canary; shadow mode has weight 0
 * and stepIndex -1; terminal states have weight 0 and no shadows; PROMOTED has no canary).
 */
export const rolloutStateSchema: z.ZodType<RolloutState> = z
  .object({
    model: nonEmptyId,
    rolloutId: nonEmptyId,
    phase: z.nativeEnum(RolloutPhase),
    pausedFrom: resumablePhase.nullable(),
    stable: nonEmptyId,
    canary: nonEmptyId.nullable(),
    shadows: z.array(nonEmptyId),
    canaryWeight: weight,
    stepIndex: z.number().int().min(-1),
    seq: z.number().int().positive(),
    policy: policyText.nullable(),
    startedAt: epochMillis,
    stepStartedAt: epochMillis,
    updatedAt: epochMillis,
    recentCommandIds: z.array(nonEmptyId).max(RECENT_COMMAND_IDS_LIMIT),
    lastCommand: commandOutcomeSchema.nullable(),
    approval: approvalSchema.nullable(),
    candidates: z.array(candidateSchema),
  })
  .superRefine((state, ctx) => {
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    checkVariantSet(state, ctx);
    if (state.startedAt > state.updatedAt) issue('updatedAt', 'must not be before startedAt');
    if (state.stepStartedAt > state.updatedAt) {
      issue('stepStartedAt', 'must not be after updatedAt');
    }
    if ((state.phase === RolloutPhase.PAUSED) !== (state.pausedFrom !== null)) {
      issue('pausedFrom', 'must be set exactly when the phase is PAUSED');
    }
    const mode = state.pausedFrom ?? state.phase;
    if (mode === RolloutPhase.SHADOW || mode === RolloutPhase.CANARY) {
      const candidates = state.candidates.length > 0;
      if (state.canary === null && !candidates) {
        issue('canary', 'is required while the rollout is live (or candidates)');
      }
      if (candidates && state.canary !== null) issue('canary', 'must be null with candidates');
    }
    if (mode === RolloutPhase.SHADOW) {
      if (state.canaryWeight !== 0) issue('canaryWeight', 'must be 0 in shadow mode');
      if (state.stepIndex !== -1) issue('stepIndex', 'must be -1 in shadow mode');
    }
    if (mode === RolloutPhase.CANARY && state.stepIndex < 0) {
      issue('stepIndex', 'must be >= 0 in canary mode');
    }
    if (mode === RolloutPhase.PROMOTED || mode === RolloutPhase.ROLLED_BACK) {
      if (state.canaryWeight !== 0) issue('canaryWeight', 'must be 0 once the rollout is over');
      if (state.shadows.length > 0) issue('shadows', 'must be empty once the rollout is over');
    }
    if (mode === RolloutPhase.PROMOTED && state.canary !== null) {
      issue('canary', 'must be null after PROMOTE');
    }
  });
