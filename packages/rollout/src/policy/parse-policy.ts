import { KanaryError } from '@kanary/contracts';
import { type ZodIssue } from 'zod';
import { policySchema, type Policy, type PolicyInput } from './policy-schema.js';

/** A policy that cannot be used; `issues` name each offending field (`steps.2: must be …`). */
export class PolicyError extends KanaryError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super('POLICY_INVALID', `invalid rollout policy: ${issues.join('; ')}`);
    this.issues = issues;
  }
}

type PlainObject = Record<string, unknown>;

const isPlainObject = (value: unknown): value is PlainObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields of `over` replace those of `base`; nested objects merge field by field, arrays are replaced. */
function mergeOver(base: PlainObject, over: PlainObject): PlainObject {
  const merged: PlainObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? mergeOver(current, value) : value;
  }
  return merged;
}

function describeIssue(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
    return issue.keys.map((key) => `${where}${key}: is not a policy field`).join('; ');
  }
  const path = issue.path.join('.');
  return `${path === '' ? 'policy' : path}: ${issue.message}`;
}

function toObject(input: unknown): PlainObject {
  if (typeof input === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (error) {
      throw new PolicyError([`policy: is not valid JSON (${(error as Error).message})`]);
    }
    return toObject(parsed);
  }
  if (input === null || input === undefined) return {};
  if (!isPlainObject(input)) throw new PolicyError(['policy: must be a JSON object']);
  return input;
}

/**
 * Validates a rollout policy (JSON text as carried by START, or a parsed object; null or
 * undefined mean "all defaults") and fills in every default. Fields of `input` override those of
 * `base` (for example a service-wide default policy), nested objects field by field.
 *
 * @throws PolicyError naming each offending field, e.g. `steps.2: must be greater than the previous step (0.25)`.
 */
export function parsePolicy(input: unknown, base?: PolicyInput): Policy {
  const merged = mergeOver(toObject(base ?? {}), toObject(input));
  const result = policySchema.safeParse(merged);
  if (!result.success) throw new PolicyError(result.error.issues.map(describeIssue));
  return result.data;
}

/**
 * The problems of a partial policy meant to be merged under every rollout's own (an
 * installation's default policy), checked together with the built-in defaults; empty when valid.
 */
export function defaultPolicyProblems(value: unknown): string[] {
  try {
    parsePolicy(value);
    return [];
  } catch (e) {
    if (e instanceof PolicyError) return [...e.issues];
    throw e;
  }
}
