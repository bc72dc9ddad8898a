import { checkCandidateSet, checkVariantSet, parsePolicy, PolicyError } from '@kanary/rollout';
import { parseAllDocuments } from 'yaml';
import { z, type ZodIssue } from 'zod';

/** The `apiVersion` and `kind` every spec document carries, so a folder may hold other YAML. */
export const SPEC_API_VERSION = 'kanary/v1';
export const SPEC_KIND = 'Rollout';

/**
 * What a model's rollout should be, as kept in Git and applied with `kanary apply`:
 *
 * - with a `canary`: that canary is (or was) rolled out against `stable`, with these shadows
 *   and this policy (the policy as written: defaults are filled in by whoever judges it);
 * - with `candidates` instead (two or more, never with a canary): an A/B/n rollout of those
 *   candidates against `stable`, each judged on its own, with these shadows and this policy;
 * - with neither: no rollout is in progress and the model serves `stable` (what a spec looks
 *   like once its canary, or one of its candidates, was promoted).
 *
 * `rolloutId` pins the rollout's id (default: one is made up when it starts).
 */
export interface RolloutSpec {
  readonly model: string;
  readonly stable: string;
  readonly canary: string | null;
  /** The candidates of an A/B/n rollout, in START order; empty with a canary or none. */
  readonly candidates: readonly string[];
  readonly shadows: readonly string[];
  /** The policy fields as written; `{}` means all defaults. */
  readonly policy: Readonly<Record<string, unknown>>;
  readonly rolloutId: string | null;
}

const id = z
  .string({ invalid_type_error: 'must be a string' })
  .refine((text) => text.trim().length > 0, 'must not be blank');

const specSchema = z
  .object({
    apiVersion: z.literal(SPEC_API_VERSION, {
      errorMap: () => ({ message: `must be "${SPEC_API_VERSION}"` }),
    }),
    kind: z.literal(SPEC_KIND, { errorMap: () => ({ message: `must be "${SPEC_KIND}"` }) }),
    model: id,
    stable: id,
    canary: id.nullable().default(null),
    candidates: z.array(id, { invalid_type_error: 'must be a list of variants' }).optional(),
    shadows: z.array(id).default([]),
    rolloutId: id.nullable().default(null),
    policy: z
      .record(z.unknown(), { invalid_type_error: 'must be a mapping of policy fields' })
      .nullable()
      .default({}),
    // Written by `kanary get rollouts -o yaml`; what is live is read from the cluster instead.
    status: z.unknown().optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    checkVariantSet(spec, ctx);
    if (spec.candidates !== undefined) {
      if (spec.canary !== null) {
        ctx.addIssue({
          code: 'custom',
          path: ['candidates'],
          message: 'cannot be combined with canary: name one canary, or two or more candidates',
        });
      }
      checkCandidateSet({ ...spec, candidates: spec.candidates }, ctx);
    }
    const rollsOut = spec.canary !== null || spec.candidates !== undefined;
    if (!rollsOut && spec.shadows.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['shadows'], message: 'need a canary or candidates' });
    }
    if (!rollsOut && spec.rolloutId !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['rolloutId'],
        message: 'needs a canary or candidates',
      });
    }
    try {
      parsePolicy(spec.policy);
    } catch (e) {
      if (!(e instanceof PolicyError)) throw e;
      for (const issue of e.issues) {
        ctx.addIssue({ code: 'custom', path: [], message: `policy.${issue}` });
      }
    }
  });

/** One spec document that cannot be used, with every problem naming its field. */
export interface SpecProblem {
  /** `file` or `file (document n)` when the file holds several. */
  readonly where: string;
  readonly problems: readonly string[];
}

export interface ParsedSpecs {
  readonly specs: ReadonlyArray<{ readonly where: string; readonly spec: RolloutSpec }>;
  readonly invalid: readonly SpecProblem[];
}

function describeIssue(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${key}: is not a spec field`).join('; ');
  }
  if (issue.path.length === 0) return issue.message;
  const path = issue.path.join('.');
  return issue.code === 'invalid_type' && issue.received === 'undefined'
    ? `${path}: is required`
    : `${path}: ${issue.message}`;
}

/**
 * Reads the spec documents of one YAML text (`---` separates documents; empty ones are
 * skipped). Every document is checked in full, so one run reports all of a file's mistakes.
 */
export function parseSpecDocuments(text: string, source: string): ParsedSpecs {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [];
  const specs: Array<{ where: string; spec: RolloutSpec }> = [];
  const invalid: SpecProblem[] = [];
  list.forEach((document, index) => {
    const where = list.length > 1 ? `${source} (document ${index + 1})` : source;
    if (document.errors.length > 0) {
      invalid.push({ where, problems: document.errors.map((e) => `YAML: ${e.message}`) });
      return;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    const result = specSchema.safeParse(value);
    if (!result.success) {
      invalid.push({ where, problems: result.error.issues.map(describeIssue) });
      return;
    }
    const { model, stable, canary, candidates, shadows, rolloutId, policy } = result.data;
    specs.push({
      where,
      spec: {
        model,
        stable,
        canary,
        candidates: candidates ?? [],
        shadows,
        rolloutId,
        policy: policy ?? {},
      },
    });
  });
  return { specs, invalid };
}
