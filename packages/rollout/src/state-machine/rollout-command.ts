import { z } from 'zod';
import {
  IssuedBy,
  RolloutAction,
  type RolloutCommand as WireRolloutCommand,
} from '@kanary/contracts';
import {
  checkCandidateSet,
  checkVariantSet,
  epochMillis,
  nonEmptyId,
  policyText,
  weight,
} from './schema-primitives.js';
import { maxCandidateWeight } from './candidates.js';

/**
 * A request to change a model's rollout (topic `rollout.commands`, keyed by model): the wire type
 * generated from `schemas/rollout-command.avsc`, so the two cannot drift. Rules beyond the wire:
 *
 * - `stable`: on START, the variant the model serves now (if it has a state); on other actions,
 *   the rollout's stable. `canary`: required on START; elsewhere null or the rollout's canary.
 * - `shadows` count on START only. `canaryWeight` in [0, 1] is required on SET_WEIGHT; on START
 *   null or 0 means shadow mode.
 * - `stepIndex`: when null, START in canary mode and SHADOW→CANARY use 0, other SET_WEIGHTs keep
 *   the current step.
 * - `basedOnSeq`: the `seq` the issuer saw; null (or 0) only for the first START of a model.
 * - `policy`: JSON object text (START only). `issuedAt`: epoch ms.
 * - `candidates` (START only): the candidates of an A/B/n rollout (candidates.ts); then `canary`
 *   is null on START and names the candidate on SET_WEIGHT, PROMOTE and ROLLBACK.
 * - `actor`: who exactly issued it (an operator's name, the console, a confirm webhook); the
 *   approver an APPROVE records.
 */
export type RolloutCommand = WireRolloutCommand;

/**
 * A START with candidates (A/B/n): two or more, distinct, none the stable or a shadow, no
 * `canary`, and a canary-mode weight within a candidate's slice (candidates.ts).
 */
function checkCandidateStart(command: RolloutCommand, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  const { candidates } = command;
  if (command.canary !== null) issue(['canary'], 'must be null when candidates are named');
  checkCandidateSet(command, ctx);
  const cap = maxCandidateWeight(candidates.length);
  if (command.canaryWeight === null || command.canaryWeight <= 0) {
    issue(['canaryWeight'], 'must be above 0: candidates start in canary mode');
  } else if (command.canaryWeight > cap) {
    issue(
      ['canaryWeight'],
      `must be at most ${cap} with ${candidates.length} candidates (each owns a slice of the traffic)`,
    );
  }
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
    actor: nonEmptyId.nullable(),
    candidates: z.array(nonEmptyId),
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
      if (command.candidates.length > 0) {
        checkCandidateStart(command, ctx);
      } else if (command.canary === null) {
        ctx.addIssue({ code: 'custom', path: ['canary'], message: 'is required for START' });
      }
      checkVariantSet(command, ctx);
    } else if (command.candidates.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['candidates'], message: 'count on START only' });
    }
  });
