/**
 * Field rules shared by the command and state schemas: rules the Avro wire format cannot
 * express (non-empty ids, weights in [0, 1], JSON policy text).
 */
import { z } from 'zod';

/** Refines rather than trims, so a validated command is used exactly as received. */
export const nonEmptyId = z.string().refine((text) => text.trim().length > 0, 'must not be blank');

export const weight = z
  .number()
  .finite('must be a finite number')
  .min(0, 'must be in [0, 1]')
  .max(1, 'must be in [0, 1]');

export const epochMillis = z.number().int('must be whole epoch milliseconds').nonnegative();

/** The policy travels as JSON text; the policy module owns its fields, here it must be an object. */
export const policyText = z.string().refine((text) => {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}, 'must be a JSON object');

/**
 * Adds issues for a shadow list that repeats a variant or names the stable or canary, which
 * would send one variant the same request twice.
 */
export function checkVariantSet(
  value: { stable: string; canary: string | null; shadows: readonly string[] },
  ctx: z.RefinementCtx,
): void {
  if (value.canary !== null && value.canary === value.stable) {
    ctx.addIssue({ code: 'custom', path: ['canary'], message: 'must differ from stable' });
  }
  const seen = new Set<string>();
  value.shadows.forEach((shadow, index) => {
    if (shadow === value.stable || shadow === value.canary) {
      ctx.addIssue({
        code: 'custom',
        path: ['shadows', index],
        message: `"${shadow}" is already the stable or the canary`,
      });
    } else if (seen.has(shadow)) {
      ctx.addIssue({
        code: 'custom',
        path: ['shadows', index],
        message: `"${shadow}" is listed twice`,
      });
    }
    seen.add(shadow);
  });
}

/**
 * Adds issues for an A/B/n candidate list: two or more, distinct, none the stable or a shadow
 * (each candidate needs its own arm).
 */
export function checkCandidateSet(
  value: { stable: string; shadows: readonly string[]; candidates: readonly string[] },
  ctx: z.RefinementCtx,
): void {
  const { candidates } = value;
  if (candidates.length < 2) {
    ctx.addIssue({
      code: 'custom',
      path: ['candidates'],
      message: 'need two or more variants (one candidate is a canary)',
    });
  }
  const seen = new Set<string>();
  candidates.forEach((variant, index) => {
    const message =
      variant === value.stable || value.shadows.includes(variant)
        ? `"${variant}" is already the stable or a shadow`
        : seen.has(variant)
          ? `"${variant}" is listed twice`
          : null;
    if (message !== null) ctx.addIssue({ code: 'custom', path: ['candidates', index], message });
    seen.add(variant);
  });
}
