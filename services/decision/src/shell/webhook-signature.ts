import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of every webhook request the decision service sends. */
export const WebhookHeader = {
  /** Epoch seconds when the request was signed (each attempt signs anew). */
  timestamp: 'X-Kanary-Timestamp',
  /** `sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>`; only with a secret. */
  signature: 'X-Kanary-Signature',
  /** The event's dedupe id, the same on every attempt and redelivery (also `id` in the body). */
  eventId: 'X-Kanary-Event-Id',
  /** The event type, e.g. `rollout.decision` (also `type` in the body). */
  eventType: 'X-Kanary-Event-Type',
} as const;

/**
 * The signature of a body, as Stripe and Slack sign theirs: HMAC-SHA256 over the timestamp, a
 * dot and the exact body bytes, so a receiver can reject a replayed or altered request.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `sha256=${hmac}`;
}

/**
 * What a receiver checks (and the tests with it): the signature matches, compared in constant
 * time, and the timestamp is within `toleranceSeconds` of `nowSeconds`.
 */
export function verifyWebhook(request: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSeconds: number;
  toleranceSeconds?: number;
}): boolean {
  const { secret, body, timestamp, signature, nowSeconds } = request;
  if (timestamp === undefined || signature === undefined || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > (request.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
