import { z } from 'zod';
import { jsonDepthExceeds } from './json-depth.js';

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters');
const reason = z.string().max(2_000, 'must be at most 2000 characters').optional();

/**
 * Deepest nesting accepted in JSON the router re-serialises (features, policy): far beyond any
 * real model input, far below what overflows the stack.
 */
export const MAX_JSON_DEPTH = 64;
const shallow = <T>(value: T) => !jsonDepthExceeds(value, MAX_JSON_DEPTH);
const depthMessage = `must not nest deeper than ${MAX_JSON_DEPTH} levels`;
const weight = z
  .number({ invalid_type_error: 'must be a number' })
  .min(0, 'must be in [0, 1]')
  .max(1, 'must be in [0, 1]');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Model input as a JSON object, or as JSON text of one (the form `InferenceRequest` carries);
 * the output is the JSON text recorded on `inference.routed`. Text is kept as given (parsing
 * and printing it again would round numbers beyond double precision), once it is known to
 * hold an object no deeper than {@link MAX_JSON_DEPTH}.
 */
const features = z.unknown().transform((value, ctx): string => {
  const fail = (message: string) => {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    return z.NEVER;
  };
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      return fail(`must be a JSON object or JSON text of one: ${(e as Error).message}`);
    }
    if (!isObject(parsed)) return fail('must be JSON text of an object (not of a scalar or array)');
  } else if (!isObject(value)) {
    return fail('must be a JSON object or JSON text of one');
  }
  if (!shallow(parsed)) return fail(depthMessage);
  return typeof value === 'string' ? value : JSON.stringify(value);
});

/** `POST /v1/assign`. Unknown fields are refused so that a misspelt field is not ignored. */
export const assignRequestSchema = z
  .object({
    model: name,
    /** Sticky key (user, session, …); without it the requestId is used (no stickiness). */
    routingKey: z.string().max(1_024).nullable().optional(),
    /** Caller's id for the request (the join key for labels); generated when absent. */
    requestId: name.optional(),
    /**
     * Model input: a JSON object or JSON text of one, recorded as JSON text on
     * `inference.routed`. @default "{}"
     */
    features: features.optional(),
  })
  .strict();
export type AssignRequest = z.output<typeof assignRequestSchema>;

/** The answer of `POST /v1/assign` (the in-process assigner answers the same). */
export type { AssignAnswer } from '@kanary/rollout';

/**
 * The candidate of an A/B/n rollout a command is about (required on `promote` and `weight` of
 * one); for a rollout with one canary, its name if given.
 */
const candidate = name.optional();

/** Body of `pause`, `resume`, `promote`, `rollback`, `approve` (optional). */
export const operatorRequestSchema = z.object({ reason, canary: candidate }).strict();
export type OperatorRequest = z.output<typeof operatorRequestSchema>;

/** Body of `POST /v1/rollouts/:model/weight`. */
export const weightRequestSchema = z
  .object({
    canaryWeight: weight,
    stepIndex: z.number().int('must be an integer').min(0, 'must be >= 0').optional(),
    reason,
    canary: candidate,
  })
  .strict();
export type WeightRequest = z.output<typeof weightRequestSchema>;

/** Body of `POST /v1/rollouts/:model/start`. */
export const startRequestSchema = z
  .object({
    /** Id of the new rollout; generated when absent. */
    rolloutId: name.optional(),
    /** The variant the model serves now; defaults to the current stable or default variant. */
    stable: name.optional(),
    /** The new variant (a rollout with one canary); or `candidates`. */
    canary: name.optional(),
    /** A/B/n: two or more new variants, each at `canaryWeight` in its own slice (no `canary`). */
    candidates: z.array(name).optional(),
    /** Shadow mode: the canary gets copies only. Also the mode when canaryWeight is 0 or absent. */
    shadow: z.boolean().optional(),
    canaryWeight: weight.optional(),
    shadows: z.array(name).optional(),
    /** Rollout policy: a JSON object (or its text). */
    policy: z.union([z.record(z.unknown()).refine(shallow, depthMessage), z.string()]).optional(),
    reason,
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.canary === undefined) === (body.candidates === undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: body.canary === undefined ? ['canary'] : ['candidates'],
        message:
          body.canary === undefined
            ? 'is required (or candidates, two or more, for an A/B/n rollout)'
            : 'give canary or candidates (A/B/n), not both',
      });
    }
    if (body.candidates !== undefined && body.shadow === true) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['shadow'],
        message: 'candidates start in canary mode: give canaryWeight instead',
      });
    }
    if (body.shadow === true && body.canaryWeight !== undefined && body.canaryWeight > 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['canaryWeight'],
        message: 'must be 0 or absent in shadow mode',
      });
    }
  });
export type StartRequest = z.output<typeof startRequestSchema>;

/** `?wait=true` makes an operator call wait until the router applied or rejected the command. */
export const commandQuerySchema = z
  .object({
    wait: z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .optional()
      .transform((w) => w === 'true' || w === '1'),
  })
  .passthrough();
