/**
 * One line of a replay file, validated: a prediction or a label, in the format `kanary replay`
 * reads (one JSON object per line):
 *
 *   {"kind":"prediction","requestId":"r1","model":"m","variant":"v2","role":"canary",
 *    "output":"deny","latencyMs":41.5,"status":"ok","timestamp":1767225600000}
 *   {"kind":"label","requestId":"r1","model":"m","label":"deny","timestamp":1767225660000}
 *
 * role is stable, canary or shadow; status ok, error or timeout (both case-insensitive, so
 * records exported from the Kafka topics, which spell them in capitals, read as well); output
 * may be null when status is not ok. Outputs and labels may also be numbers (regression), which
 * are compared as the evaluator compares numeric text. Optional, as on the topics: a
 * prediction's "scores" (class → probability, each in [0, 1], summing to 1 within 0.01; scored
 * with log-loss and the Brier score) and "segment" (a name), a label's "outcomes" (name → number).
 * Other fields are ignored. An invalid line gives one issue naming its line number and every
 * offending field.
 */
import {
  MAX_PLAUSIBLE_TIME_MS,
  MIN_PLAUSIBLE_TIME_MS,
  PredictionStatus,
  Role,
  SCORES_SUM_TOLERANCE,
} from '@kanary/contracts';
// zod 4's engine (shipped inside the zod 3.25 package as 'zod/v4'): about three times faster
// than zod 3 on these records, which matters at millions of lines.
import { z } from 'zod/v4';

/** A recorded prediction, with role and status in the contracts' spelling. */
export interface ReplayPrediction {
  readonly kind: 'prediction';
  readonly requestId: string;
  readonly model: string;
  readonly variant: string;
  readonly role: Role;
  readonly output: string | null;
  readonly latencyMs: number;
  readonly status: PredictionStatus;
  /** When the prediction was made, epoch ms. */
  readonly timestamp: number;
  /** Probability of each class; absent or null: none. */
  readonly scores?: Readonly<Record<string, number>> | null;
  /** The request's segment; absent or null: none. */
  readonly segment?: string | null;
}

/** A recorded ground-truth label. */
export interface ReplayLabel {
  readonly kind: 'label';
  readonly requestId: string;
  readonly model: string;
  readonly label: string;
  /** When the label became known, epoch ms. */
  readonly timestamp: number;
  /** Named numeric outcomes of the request; absent or null: none. */
  readonly outcomes?: Readonly<Record<string, number>> | null;
}

export type ReplayEvent = ReplayPrediction | ReplayLabel;

/** Why a line was not used, by its 1-based line number. */
export interface LineIssue {
  readonly line: number;
  readonly message: string;
}

export type ParsedLine =
  | { readonly ok: true; readonly event: ReplayEvent }
  | { readonly ok: false; readonly issue: LineIssue };

/** "is required" for a missing field, else `message`. */
const typed = (message: string) => ({
  error: (issue: { readonly input?: unknown }) =>
    issue.input === undefined ? 'is required' : message,
});
const id = z.string(typed('must be a string')).trim().min(1, 'must not be empty');
/** Text, or a finite number written as text (regression outputs and labels). */
const text = z.union([id, z.number().transform(String)], typed('must be a string or a number'));
const timestamp = z
  .number(typed('must be a number (epoch milliseconds)'))
  .int('must be whole epoch milliseconds')
  .min(MIN_PLAUSIBLE_TIME_MS, 'must be epoch milliseconds after 2000-01-01 (seconds?)')
  .max(MAX_PLAUSIBLE_TIME_MS, 'must be epoch milliseconds before 2100-01-01');

const probability = z
  .number(typed('must be a number'))
  .min(0, 'must be in [0, 1]')
  .max(1, 'must be in [0, 1]');
/** Class → probability: at least one class, the probabilities summing to 1 (± the tolerance). */
const scores = z
  .record(z.string(), probability, typed('must be an object of class probabilities'))
  .superRefine((classes, ctx) => {
    const values = Object.values(classes);
    if (values.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must name at least one class' });
      return;
    }
    const sum = values.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > SCORES_SUM_TOLERANCE) {
      ctx.addIssue({
        code: 'custom',
        message: `must sum to 1 (± ${SCORES_SUM_TOLERANCE}), not ${Number(sum.toPrecision(6))}`,
      });
    }
  });
const outcomes = z.record(
  z.string(),
  z.number(typed('must be a number')),
  typed('must be an object of numbers'),
);

/** A case-insensitive name mapped onto the contracts' value. */
function named<V extends string>(values: Readonly<Record<string, V>>, expected: string) {
  const message = `must be ${expected}`;
  return z.string(typed(message)).transform((name, ctx): V => {
    const value = values[name.toLowerCase()];
    if (value === undefined) {
      ctx.issues.push({ code: 'custom', message, input: name });
      return z.NEVER;
    }
    return value;
  });
}

const ROLES: Readonly<Record<string, Role>> = {
  stable: Role.STABLE,
  canary: Role.CANARY,
  shadow: Role.SHADOW,
};
const STATUSES: Readonly<Record<string, PredictionStatus>> = {
  ok: PredictionStatus.OK,
  error: PredictionStatus.ERROR,
  timeout: PredictionStatus.TIMEOUT,
};

const prediction = z.object({
  kind: z.literal('prediction'),
  requestId: id,
  model: id,
  variant: id,
  role: named(ROLES, 'stable, canary or shadow'),
  output: text.nullable().default(null),
  latencyMs: z.number(typed('must be a number')).min(0, 'must be >= 0'),
  status: named(STATUSES, 'ok, error or timeout'),
  timestamp,
  scores: scores.nullish(),
  segment: id.nullish(),
});

const label = z.object({
  kind: z.literal('label'),
  requestId: id,
  model: id,
  label: text,
  timestamp,
  outcomes: outcomes.nullish(),
});

const lineSchema = z.discriminatedUnion('kind', [prediction, label], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'must be "prediction" or "label"' : undefined,
});

/** One issue message for every problem of a line: "field: message; field: message". */
function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'line'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses one non-blank line (callers skip blank ones). `line` is its 1-based number, carried
 * into the issue.
 */
export function parseReplayLine(textLine: string, line: number): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(textLine);
  } catch (e) {
    return { ok: false, issue: { line, message: `not JSON: ${(e as Error).message}` } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, issue: { line, message: 'not a JSON object' } };
  }
  const result = lineSchema.safeParse(value);
  if (!result.success) return { ok: false, issue: { line, message: describeIssues(result.error) } };
  const event = result.data;
  // Checked here rather than as a refinement: a discriminated union takes plain object schemas.
  if (
    event.kind === 'prediction' &&
    event.status === PredictionStatus.OK &&
    event.output === null
  ) {
    return { ok: false, issue: { line, message: 'output: must be set when status is ok' } };
  }
  return { ok: true, event };
}
