import type { z } from 'zod';

/** One line naming each offending field, e.g. `canaryWeight: must be in [0, 1]`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
