import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { z } from 'zod';

/** Log-normal latency: `medianMs · exp(sigma · Z)` with Z standard normal. */
const logNormalLatencySchema = z
  .object({
    /** Median latency in milliseconds (the log-normal's e^μ). */
    medianMs: z.number().nonnegative(),
    /** Standard deviation of ln(latency); 0 makes the latency constant. @default 0 */
    sigma: z.number().nonnegative().default(0),
  })
  .strict();

const constantLatencySchema = z.object({ constantMs: z.number().nonnegative() }).strict();

/**
 * Simulated latency: `{ medianMs, sigma }` (log-normal) or `{ constantMs }`. A log-normal is the
 * usual first model of service latency: positive, right-skewed, with a median and a spread.
 */
export const latencySchema = z.union([logNormalLatencySchema, constantLatencySchema]);
export type LatencyConfig = z.input<typeof latencySchema>;
export type CompiledLatency = z.output<typeof latencySchema>;

export const ZERO_LATENCY: CompiledLatency = { constantMs: 0 };

/**
 * Latency for a uniform draw `u` in (0, 1), by inverse-CDF sampling: one draw gives one
 * latency, so a hash-keyed `u` makes the latency a pure function of the request.
 */
export function latencyAt(latency: CompiledLatency, u: number): number {
  if ('constantMs' in latency) return latency.constantMs;
  if (latency.sigma === 0) return latency.medianMs;
  return latency.medianMs * Math.exp(latency.sigma * normalQuantile(u, 0, 1));
}
