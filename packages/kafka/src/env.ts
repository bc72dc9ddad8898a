import { ConfigError } from '@kanary/contracts';
import { z } from 'zod';
import { placeholderTokenReason } from './placeholder-token.js';

/**
 * Parses environment variables with a zod object whose keys are the variable names, so every
 * problem is reported as "VARIABLE: what is wrong". Throws one ConfigError listing all of them;
 * returns a frozen result.
 */
export function loadEnvConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined>,
): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const variable = i.path.length > 0 ? i.path.join('.') : '(environment)';
      const value = i.path.length > 0 ? env[String(i.path[0])] : undefined;
      const shown =
        value === undefined ? 'unset' : looksSecret(variable) ? 'set' : JSON.stringify(value);
      return `  ${variable} (${shown}): ${i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(result.data) as Readonly<z.output<S>>;
}

// Webhook variables hold URLs that carry tokens (Slack's) and may hold signing secrets.
const looksSecret = (name: string): boolean => /PASSWORD|TOKEN|SECRET|KEY|WEBHOOK/i.test(name);

/** Reusable env field parsers with messages a person can act on. */
export const envField = {
  string: (fallback?: string) =>
    fallback === undefined
      ? z.string().trim().min(1, 'is required')
      : z.string().trim().min(1).default(fallback),
  optionalString: () =>
    z
      .string()
      .optional()
      .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim())),
  /**
   * An optional secret such as a bearer token, at least `minLength` characters when set (128 bits
   * of hex or base64 are 22–32 characters) and not a known placeholder or example value
   * ({@link placeholderTokenReason}): a service refuses to start with one rather than guard its
   * endpoints with a value anyone can read. Its value never appears in error messages.
   */
  token: (minLength = 16) =>
    z
      .string()
      .optional()
      .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()))
      .superRefine((token, ctx) => {
        if (token === undefined) return;
        if (token.length < minLength) {
          ctx.addIssue({ code: 'custom', message: `must be at least ${minLength} characters` });
          return;
        }
        const reason = placeholderTokenReason(token);
        if (reason !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `${reason}; make one with: openssl rand -hex 32`,
          });
        }
      }),
  int: (fallback: number, { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}) =>
    z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined || s.trim() === '') return fallback;
        const n = Number(s);
        if (!Number.isInteger(n) || n < min || n > max) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `must be an integer in [${min}, ${max}]`,
          });
          return z.NEVER;
        }
        return n;
      }),
  number: (fallback: number, { min = -Infinity, max = Infinity } = {}) =>
    z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined || s.trim() === '') return fallback;
        const n = Number(s);
        if (!Number.isFinite(n) || n < min || n > max) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `must be a number in [${min}, ${max}]`,
          });
          return z.NEVER;
        }
        return n;
      }),
  bool: (fallback: boolean) =>
    z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined || s.trim() === '') return fallback;
        const v = s.trim().toLowerCase();
        if (['1', 'true', 'yes', 'on'].includes(v)) return true;
        if (['0', 'false', 'no', 'off'].includes(v)) return false;
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be true or false' });
        return z.NEVER;
      }),
  list: (fallback: string[] = []) =>
    z
      .string()
      .optional()
      .transform((s) =>
        s === undefined || s.trim() === ''
          ? fallback
          : s
              .split(',')
              .map((x) => x.trim())
              .filter((x) => x !== ''),
      ),
};
