import { z } from 'zod';
import { IssuedBy } from './issued-by.js';
import { RolloutAction } from './rollout-action.js';
import {
  checkVariantSet,
  epochMillis,
  nonEmptyId,
  policyText,
  weight,
} from './schema-primitives.js';

/**
 * A request to change a model's rollout (topic `rollout.commands`, keyed by model). Field names
 * and nullability match `schemas/rollout-command.avsc`.
 */
export interface RolloutCommand {
  /** Unique id; applying the same command twice is a no-op. */
  commandId: string;
  /** Rollout the command is for; START introduces a new one. */
  rolloutId: string;
  /** Logical model name. */
  model: string;
  action: RolloutAction;
  /**
   * Stable variant. On START it must equal the variant the model serves now (if it has a
   * state); on other actions it must equal the rollout's stable.
   */
  stable: string;
  /** Canary variant: required on START; on other actions null or the rollout's canary. */
  canary: string | null;
  /** Extra shadow variants (START only; ignored on other actions). */
  shadows: string[];
  /** Canary share in [0, 1]: required on SET_WEIGHT; on START null or 0 means shadow mode. */
  canaryWeight: number | null;
  /**
   * Index of the policy step the weight belongs to (SET_WEIGHT, START in canary mode). When
   * null, START in canary mode uses 0, SHADOW→CANARY uses 0 and other SET_WEIGHTs keep it.
   */
  stepIndex: number | null;
  /** `seq` of the state the issuer saw; null only for the first START of a model. */
  basedOnSeq: number | null;
  issuedBy: IssuedBy;
  /** Why, in plain words. */
  reason: string;
  /** Rollout policy as JSON object text (START only). */
  policy: string | null;
  /** When the command was issued, epoch ms. */
  issuedAt: number;
}

/**
 * Semantic validation of a {@link RolloutCommand}: non-empty ids, weight in [0, 1], whole
 * non-negative seq and step, policy JSON, and per action: SET_WEIGHT needs canaryWeight; START
 * needs a canary that differs from the stable and a shadow list without repeats.
 */
export const rolloutCommandSchema: z.ZodType<RolloutCommand> = z
  .object({
    commandId: nonEmptyId,
    rolloutId: nonEmptyId,
    model: nonEmptyId,
    action: z.nativeEnum(RolloutAction),
    stable: nonEmptyId,
    canary: nonEmptyId.nullable(),
    shadows: z.array(nonEmptyId),
    canaryWeight: weight.nullable(),
    stepIndex: z.number().int().nonnegative().nullable(),
    basedOnSeq: z.number().int().nonnegative().nullable(),
    issuedBy: z.nativeEnum(IssuedBy),
    reason: z.string(),
    policy: policyText.nullable(),
    issuedAt: epochMillis,
  })
  .superRefine((command, ctx) => {
    if (command.action === RolloutAction.SET_WEIGHT && command.canaryWeight === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['canaryWeight'],
        message: 'is required for SET_WEIGHT',
      });
    }
    if (command.action === RolloutAction.START) {
      if (command.canary === null) {
        ctx.addIssue({ code: 'custom', path: ['canary'], message: 'is required for START' });
      }
      checkVariantSet(command, ctx);
    }
  });
