import { hashUniform } from '@kanary/models';

/**
 * The routing key of the i-th request: one of `users` user ids, drawn uniformly by hash, so a
 * user keeps sending requests and sticky assignment can be observed per user.
 */
export const routingKeyFor = (seed: number, index: number, users: number): string =>
  `user-${Math.floor(hashUniform(seed, 'user', index) * users)}`;

/** Request id of the i-th request of a run. */
export const requestIdFor = (runId: string, index: number): string => `${runId}-${index}`;

/**
 * How many requests should have been sent `elapsedMs` into a run at `rate` per second: a
 * constant-rate schedule, so a late loop catches up instead of drifting below the rate.
 */
export function requestsDue(elapsedMs: number, rate: number, total: number): number {
  return Math.min(total, Math.floor((Math.max(0, elapsedMs) * rate) / 1_000) + 1);
}

/** When the request with this index is due, in milliseconds from the start of the run. */
export const dueOffsetMs = (index: number, rate: number): number => (index * 1_000) / rate;
