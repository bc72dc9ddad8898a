import type { NotificationEvent, NotificationFormat } from '@kanary/rollout';
import pLimit, { type LimitFunction } from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import type { RolloutEvent } from '../core/rollout-event.js';
import type { FeedSource } from './notification-feed.js';
import { slackMessage } from '../core/slack-message.js';
import { postWebhook, WebhookRequestError } from './post-webhook.js';

/** A notification target with its secret resolved. */
export interface WebhookTarget {
  /** Name in logs, metrics and dead letters. */
  readonly name: string;
  readonly url: string;
  readonly format: NotificationFormat;
  /** Signs JSON payloads; undefined sends them unsigned. */
  readonly secret: string | undefined;
  readonly events: readonly NotificationEvent[];
}

/** How deliveries are attempted; every target gets its own queue with these limits. */
export interface DeliveryOptions {
  /** Attempts per notification before it is dead-lettered (1 = no retry). */
  readonly maxAttempts: number;
  /** Wait before the first retry, ms; doubles per attempt (with jitter) up to `maxBackoffMs`. */
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Deadline of one attempt, ms. */
  readonly timeoutMs: number;
  /** Notifications a target may hold (waiting, being sent or between retries); more are dead-lettered. */
  readonly queueSize: number;
  /** Notifications sent to one target at a time. */
  readonly concurrency: number;
}

/** A notification given up on: dead-lettered by the owner of the queue. */
export interface UndeliveredNotification {
  readonly target: WebhookTarget;
  readonly event: RolloutEvent;
  /** The body that was (or would have been) sent. */
  readonly body: string;
  readonly attempts: number;
  readonly error: Error;
  /** The record the event was built from, when known. */
  readonly source?: FeedSource | undefined;
}

export interface WebhookQueueHooks {
  /** One attempt's result: the HTTP status, `timeout` or `error`. */
  attempted(target: WebhookTarget, result: string): void;
  delivered(target: WebhookTarget, event: RolloutEvent, seconds: number): void;
  /** Dead-letters a notification given up on; resolves true once it is written. */
  undelivered(failure: UndeliveredNotification): Promise<boolean>;
  clock(): number;
}

/** The queue was full, or stopping: the notification was not attempted. */
export class WebhookQueueFullError extends Error {
  override readonly name = 'WebhookQueueFullError';
}

/** The request body of an event in the target's format. */
export const renderBody = (event: RolloutEvent, format: NotificationFormat): string =>
  JSON.stringify(format === 'slack' ? slackMessage(event) : event);

/**
 * One target's deliveries, off the decision path: `enqueue` returns at once with a promise of
 * the outcome and never throws. At most `concurrency` requests run at a time (p-limit); each
 * notification is attempted up to `maxAttempts` times with exponential back-off (p-retry) — a
 * timeout, network error, 408, 429 or 5xx is retried, any other answer is final — and then handed
 * to `undelivered` (the dead letter). A receiver that is down or hangs therefore costs at most
 * `queueSize` notifications of memory and delays only its own queue; past that, new
 * notifications are dead-lettered at once. What {@link stop} interrupts is neither delivered nor
 * dead-lettered: its promise resolves false, and the record it came from is read again after the
 * restart.
 */
export class WebhookQueue {
  private readonly limit: LimitFunction;
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<boolean>>();

  constructor(
    readonly target: WebhookTarget,
    private readonly options: DeliveryOptions,
    private readonly hooks: WebhookQueueHooks,
  ) {
    this.limit = pLimit(options.concurrency);
  }

  /** Notifications held: waiting, being sent, or between retries. */
  get depth(): number {
    return this.running.size;
  }

  /**
   * Queues a notification.
   * @returns true once it is delivered or dead-lettered; false when the queue was stopped first.
   */
  enqueue(event: RolloutEvent, source?: FeedSource): Promise<boolean> {
    const body = renderBody(event, this.target.format);
    if (this.abort.signal.aborted) return Promise.resolve(false);
    if (this.running.size >= this.options.queueSize) {
      const error = new WebhookQueueFullError(
        `${this.options.queueSize} notifications already queued for this target`,
      );
      return this.hooks.undelivered({
        target: this.target,
        event,
        body,
        attempts: 0,
        error,
        source,
      });
    }
    const task = this.limit(() => this.deliver(event, body, source));
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
    return task;
  }

  /** Stops retrying and aborts requests in flight; what is left resolves false. */
  async stop(): Promise<void> {
    // Queued notifications still start, find the signal aborted and give up at once.
    this.abort.abort(new Error('the decision service stopped before delivery'));
    await Promise.allSettled([...this.running]);
  }

  private async deliver(
    event: RolloutEvent,
    body: string,
    source: FeedSource | undefined,
  ): Promise<boolean> {
    const queuedAt = this.hooks.clock();
    let attempts = 0;
    const { maxAttempts, firstBackoffMs, maxBackoffMs, timeoutMs } = this.options;
    if (this.abort.signal.aborted) return false;
    try {
      await pRetry(
        async () => {
          attempts += 1;
          try {
            const status = await postWebhook({
              url: this.target.url,
              body,
              eventId: event.id,
              eventType: event.type,
              secret: this.target.format === 'json' ? this.target.secret : undefined,
              timeoutMs,
              signal: this.abort.signal,
              now: this.hooks.clock(),
            });
            this.hooks.attempted(this.target, String(status));
          } catch (error) {
            const failed =
              error instanceof WebhookRequestError
                ? error
                : new WebhookRequestError(String(error), false, null, 'error', { cause: error });
            this.hooks.attempted(this.target, failed.status?.toString() ?? failed.kind);
            if (this.abort.signal.aborted) throw new AbortError(this.abort.signal.reason as Error);
            if (!failed.retriable) throw new AbortError(failed);
            throw failed;
          }
        },
        {
          retries: maxAttempts - 1,
          factor: 2,
          minTimeout: firstBackoffMs,
          maxTimeout: maxBackoffMs,
          randomize: true,
          signal: this.abort.signal,
        },
      );
      this.hooks.delivered(this.target, event, (this.hooks.clock() - queuedAt) / 1_000);
      return true;
    } catch (error) {
      if (this.abort.signal.aborted) return false;
      const reason = error instanceof Error ? error : new Error(String(error));
      return this.hooks.undelivered({
        target: this.target,
        event,
        body,
        attempts,
        error: reason,
        source,
      });
    }
  }
}
