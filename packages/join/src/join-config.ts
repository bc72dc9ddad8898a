/**
 * Settings of the join core. The service's env schema maps its variables onto these fields and
 * reuses this schema, so the defaults and limits live in one place. Units are converted once,
 * here: every duration is milliseconds.
 */
import { ConfigError } from '@kanary/contracts';
import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;

export const joinConfigSchema = z
  .object({
    /**
     * How long an unmatched prediction or label waits for its other side, and how long a matched
     * label is kept so that late (shadow) predictions still find it. Measured from when the
     * evaluator processed the item. @default 604800000 (7 days)
     */
    ttlMs: z
      .number()
      .int('must be whole milliseconds')
      .positive('must be > 0')
      .default(7 * DAY_MS),
    /**
     * For numeric labels: a prediction is correct when |output − label| ≤ this. With the default
     * 0 numeric class ids ("1" vs "1.0") compare by value and anything else must match exactly.
     * @default 0
     */
    numericTolerance: z.number().finite('must be finite').min(0, 'must be >= 0').default(0),
    /**
     * Most request ids held in the join store at once (pending predictions, pending labels and
     * matched labels kept for late predictions). Inserting a new id at the limit first evicts
     * the entry closest to expiry, counted as evicted. @default 250000 (≈ 250 MiB at the
     * 1 KiB-per-entry budget)
     */
    maxPending: z.number().int('must be an integer').positive('must be > 0').default(250_000),
    /** How often `punctuate` emits a metrics snapshot. @default 10000 (10 s) */
    metricsIntervalMs: z
      .number()
      .int('must be whole milliseconds')
      .positive('must be > 0')
      .default(10_000),
    /**
     * Outputs and labels longer than this are held as (length, 53-bit digest, numeric value)
     * instead of the text, which keeps a pending prediction within its memory budget; exact
     * comparison then relies on the digest. @default 128 characters
     */
    maxOutputChars: z.number().int('must be an integer').min(1, 'must be >= 1').default(128),
    /** Relative accuracy of the latency quantile sketches (DDSketch α). @default 0.01 */
    latencyRelativeAccuracy: z
      .number()
      .gt(0, 'must be in (0, 1)')
      .lt(1, 'must be in (0, 1)')
      .default(0.01),
  })
  .strict();

/** Settings as a caller writes them (every field optional). */
export type JoinConfigInput = z.input<typeof joinConfigSchema>;
/** Settings after defaults and validation. */
export type JoinConfig = Readonly<z.output<typeof joinConfigSchema>>;

/** Validates settings and applies defaults; a bad value throws a `ConfigError` naming the field. */
export function parseJoinConfig(input: JoinConfigInput = {}): JoinConfig {
  const result = joinConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map(
      (i) => `${i.path.length > 0 ? i.path.join('.') : 'join config'}: ${i.message}`,
    );
    throw new ConfigError(`invalid join config: ${issues.join('; ')}`);
  }
  return Object.freeze(result.data);
}
