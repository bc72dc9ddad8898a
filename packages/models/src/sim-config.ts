import { z } from 'zod';
import { latencySchema } from './latency.js';

const rate = z.number().min(0).max(1);

/**
 * A simulated model. Requests must carry the truth in their features: `trueLabel` (string) for
 * classification or `trueValue` (number) for regression.
 */
export const simConfigObjectSchema = z
  .object({
    kind: z.literal('sim'),
    /** Seed of every draw; change it to get an independent model with the same settings. @default 0 */
    seed: z.number().int().default(0),
    /**
     * Probability that an OK classification equals `trueLabel`. Errors and timeouts are drawn
     * first, so this is the accuracy among OK predictions. @default 0.9
     */
    accuracy: rate.default(0.9),
    /**
     * Class list. A wrong prediction is one of these other than the true label, chosen
     * uniformly by hash. Required for classification requests.
     */
    classes: z
      .array(z.string().min(1))
      .min(2)
      .refine((classes) => new Set(classes).size === classes.length, 'classes must be distinct')
      .optional(),
    /** Standard deviation of the Gaussian noise added to `trueValue` (regression). @default 0 */
    noiseSd: z.number().nonnegative().default(0),
    /** Latency to simulate for OK and ERROR outcomes. @default { constantMs: 0 } */
    latency: latencySchema.default({ constantMs: 0 }),
    /** Probability of an ERROR outcome. @default 0 */
    errorRate: rate.default(0),
    /** Probability of a TIMEOUT outcome. @default 0 */
    timeoutRate: rate.default(0),
    /** Simulated latency of a TIMEOUT outcome, in milliseconds: the deadline it ran into. @default 1000 */
    timeoutMs: z.number().nonnegative().default(1000),
  })
  .strict();

/** Cross-field rule, kept apart so the plain object can still join a discriminated union. */
export function checkSimRates(
  config: { errorRate: number; timeoutRate: number },
  ctx: z.RefinementCtx,
): void {
  if (config.errorRate + config.timeoutRate > 1) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'errorRate + timeoutRate must not exceed 1',
      path: ['errorRate'],
    });
  }
}

export const simConfigSchema = simConfigObjectSchema.superRefine(checkSimRates);

export type SimConfig = z.input<typeof simConfigObjectSchema>;
export type CompiledSimConfig = z.output<typeof simConfigObjectSchema>;
