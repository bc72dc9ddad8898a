import type { z } from 'zod';

/** A backend config that failed validation; the message names every offending field. */
export class BackendConfigError extends Error {
  readonly code = 'BACKEND_CONFIG_INVALID';
  readonly retriable = false;
  readonly issues: readonly z.ZodIssue[];

  constructor(what: string, issues: readonly z.ZodIssue[]) {
    super(`invalid ${what}: ${issues.map(describeIssue).join('; ')}`);
    this.name = 'BackendConfigError';
    this.issues = issues;
  }
}

function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'invalid_union' && issue.unionErrors.length > 0) {
    // "Invalid input" says nothing; report the alternative the input came closest to matching.
    const closest = issue.unionErrors.reduce((best, e) =>
      e.issues.length < best.issues.length ? e : best,
    );
    return closest.issues.map(describeIssue).join('; ');
  }
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}

/** Parses `input` or throws a BackendConfigError naming `what` and each invalid field. */
export function parseConfig<S extends z.ZodTypeAny>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new BackendConfigError(what, parsed.error.issues);
  return parsed.data as z.output<S>;
}
