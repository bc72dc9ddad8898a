/**
 * Webhook targets: where the decision service delivers notifications (a rollout's policy lists
 * its own, the service's configuration global ones) and the confirm webhook of an approval gate.
 * Shared by the policy and the decision service's configuration so both validate alike.
 */
import { z } from 'zod';

/** The body a notification webhook receives. */
export const NotificationFormat = {
  /** The generic JSON payload, signed with HMAC-SHA256 when the target has a secret. */
  JSON: 'json',
  /** Slack's incoming-webhook format (`{text, blocks}`). */
  SLACK: 'slack',
} as const;
export type NotificationFormat = (typeof NotificationFormat)[keyof typeof NotificationFormat];

/** What a notification target hears about. */
export const NotificationEvent = {
  /** A decision that issues a command: ADVANCE, PROMOTE, ROLLBACK, PAUSE. */
  DECISION: 'decision',
  /** A rollout's phase changed (started, paused, resumed, promoted, rolled back). */
  PHASE: 'phase',
  /** A rollout waits for an approval, or was approved. */
  APPROVAL: 'approval',
} as const;
export type NotificationEvent = (typeof NotificationEvent)[keyof typeof NotificationEvent];

const ALL_EVENTS = Object.values(NotificationEvent);

/** An http(s) URL; anything else (file:, data:, a typo) is refused. */
export const webhookUrl = z
  .string({ invalid_type_error: 'must be a URL', required_error: 'is required' })
  .url('must be a URL')
  .refine((text) => /^https?:$/.test(new URL(text).protocol), 'must be an http or https URL');

/** The name of a secret the decision service holds (`DECISION_WEBHOOK_SECRETS`), never the secret. */
export const secretName = z
  .string({ invalid_type_error: 'must be a secret name' })
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');

/** A short name for logs and metric labels. */
export const targetName = z
  .string({ invalid_type_error: 'must be a name' })
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');

/**
 * A notification target as a rollout's policy names it. It travels in the START command and the
 * rollout state, so it names its signing secret (`secretName`) instead of carrying it.
 */
export const notificationTargetSchema = z
  .object({
    /** Name in logs and metrics. @default the URL's host */
    name: targetName.optional(),
    url: webhookUrl,
    /** @default 'json' */
    format: z
      .enum([NotificationFormat.JSON, NotificationFormat.SLACK], {
        errorMap: () => ({ message: "must be 'json' or 'slack'" }),
      })
      .default(NotificationFormat.JSON),
    /** Signs the JSON payload with this secret of the decision service. @default unsigned */
    secretName: secretName.optional(),
    /** @default every event: ['decision', 'phase', 'approval'] */
    events: z
      .array(
        z.enum([NotificationEvent.DECISION, NotificationEvent.PHASE, NotificationEvent.APPROVAL], {
          errorMap: () => ({ message: "must be 'decision', 'phase' or 'approval'" }),
        }),
      )
      .min(1, 'must name at least one event')
      .default([...ALL_EVENTS]),
  })
  .strict();
export type NotificationTarget = z.output<typeof notificationTargetSchema>;

/**
 * Flagger's confirm-promotion hook: while a rollout awaits approval the decision service POSTs
 * the request to this URL, and a 2xx answer approves.
 */
export const confirmWebhookSchema = z
  .object({
    url: webhookUrl,
    /** Signs the request like a JSON notification. @default unsigned */
    secretName: secretName.optional(),
    /** Longest wait for an answer, ms; no answer in time counts as "not yet". @default 5000 */
    timeoutMs: z
      .number({ invalid_type_error: 'must be a number' })
      .int('must be whole milliseconds')
      .min(100, 'must be >= 100')
      .max(60_000, 'must be <= 60000')
      .default(5_000),
  })
  .strict();
export type ConfirmWebhook = z.output<typeof confirmWebhookSchema>;
