import type { DecisionReport, RolloutState, TopicCatalog } from '@kanary/contracts';
import { DlqHeader, type DeadLetter } from '@kanary/kafka';
import type { Logger } from '@kanary/observability';
import type { NotificationTarget, Policy } from '@kanary/rollout';
import {
  EVENT_KIND,
  RolloutEventType,
  eventsFromReport,
  eventsFromState,
  type RolloutEvent,
} from '../core/rollout-event.js';
import type { FeedSource } from './notification-feed.js';
import type { NotificationMetrics } from './notification-metrics.js';
import { redactUrl } from './post-webhook.js';
import {
  WebhookQueue,
  type DeliveryOptions,
  type UndeliveredNotification,
  type WebhookTarget,
} from './webhook-queue.js';

/** A policy's target names a secret the service does not hold: nothing is sent unsigned. */
export class WebhookSecretMissingError extends Error {
  override readonly name = 'WebhookSecretMissingError';
}

/** Extra dead-letter headers of an undelivered notification. */
export const WebhookDlqHeader = {
  target: 'kanary.dlq.webhook.target',
  url: 'kanary.dlq.webhook.url',
  format: 'kanary.dlq.webhook.format',
  eventId: 'kanary.dlq.webhook.event-id',
  attempts: 'kanary.dlq.webhook.attempts',
} as const;

export interface NotifierOptions {
  /** Targets of every rollout (DECISION_NOTIFY_WEBHOOKS). */
  readonly global: readonly WebhookTarget[];
  /** Named secrets policy targets may sign with (DECISION_WEBHOOK_SECRETS). */
  readonly secrets: ReadonlyMap<string, string>;
  readonly delivery: DeliveryOptions;
  /**
   * The policy whose targets an event goes to: that of `state` (the record notified) when
   * given, else that of the model's current rollout.
   */
  policyOf(model: string, state?: RolloutState): Policy | undefined;
  /** Writes a dead letter to the dead-letter topic. */
  deadLetter(letter: DeadLetter): Promise<void>;
  readonly topics: Pick<TopicCatalog, 'decisions' | 'state'>;
  readonly metrics: NotificationMetrics;
  readonly logger: Logger;
  readonly service: string;
  clock(): number;
}

/** Deliveries remembered per target to drop repeats of an event (ids are dedupe ids). */
const RECENT_EVENTS = 10_000;

/**
 * Tells webhooks about decisions, approvals and phase changes, off the decision path: the
 * {@link NotificationFeed} hands each record over ({@link onReport}, {@link onState}) and gets a
 * promise of its outcome; each target's {@link WebhookQueue} delivers in the background, at least
 * once, and what cannot be delivered is dead-lettered with the target, the reason and the record
 * it came from. An event handed over again (the same record read again, or the same decision
 * published by two instances) while its delivery is remembered is not sent twice.
 */
export class Notifier {
  private readonly queues = new Map<string, WebhookQueue>();
  private readonly states = new Map<string, RolloutState>();
  /** Per target key and event id: the outcome of its delivery (bounded, oldest dropped first). */
  private readonly recent = new Map<string, Promise<boolean>>();
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {}

  /** Notifications held per target name (for the queue-depth gauge). */
  depths(): Map<string, number> {
    const depths = new Map<string, number>();
    for (const queue of this.queues.values()) {
      const name = queue.target.name;
      depths.set(name, (depths.get(name) ?? 0) + queue.depth);
    }
    return depths;
  }

  /**
   * Notifies a published decision report.
   * @returns true once every target has its events (delivered or dead-lettered); false when the
   * notifier stopped first.
   */
  onReport(report: DecisionReport, source?: FeedSource): Promise<boolean> {
    return this.dispatchAll(eventsFromReport(report), undefined, source);
  }

  /** Notifies a state record's phase change or approval; resolves as {@link onReport}. */
  onState(state: RolloutState, source?: FeedSource): Promise<boolean> {
    const previous = this.states.get(state.model);
    if (previous === undefined || state.seq >= previous.seq) this.states.set(state.model, state);
    return this.dispatchAll(eventsFromState(previous, state), state, source);
  }

  /** Aborts what is in flight: its promises resolve false (nothing is dead-lettered for it). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.stop()));
  }

  private async dispatchAll(
    events: readonly RolloutEvent[],
    state: RolloutState | undefined,
    source: FeedSource | undefined,
  ): Promise<boolean> {
    const outcomes = events.flatMap((event) => this.dispatch(event, state, source));
    return (await Promise.all(outcomes)).every(Boolean);
  }

  private dispatch(
    event: RolloutEvent,
    state: RolloutState | undefined,
    source: FeedSource | undefined,
  ): Array<Promise<boolean>> {
    if (this.stopped) return [Promise.resolve(false)];
    const kind = EVENT_KIND[event.type];
    const policy = this.options.policyOf(event.model, state);
    const own = policy?.notifications ?? [];
    const targets = [...this.options.global, ...own.map((target) => this.resolve(target))];
    return targets
      .filter((target) => target.events.includes(kind))
      .map((target) => {
        const key = JSON.stringify([targetKey(target), event.id]);
        const seen = this.recent.get(key);
        if (seen !== undefined) return seen;
        const queue = this.queueFor(target);
        const outcome =
          queue === undefined
            ? this.undelivered({
                target,
                event,
                body: JSON.stringify(event),
                attempts: 0,
                error: new WebhookSecretMissingError(
                  `the policy names the secret of this target, but DECISION_WEBHOOK_SECRETS has no secret by that name`,
                ),
                source,
              })
            : queue.enqueue(event, source);
        this.remember(key, outcome);
        return outcome;
      });
  }

  /** Remembers a delivery; one that was abandoned (false) may be attempted again. */
  private remember(key: string, outcome: Promise<boolean>): void {
    this.recent.set(key, outcome);
    void outcome.then((done) => {
      if (!done && this.recent.get(key) === outcome) this.recent.delete(key);
    });
    if (this.recent.size > RECENT_EVENTS) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }

  /** A policy target with its secret looked up (undefined secret: none named). */
  private resolve(target: NotificationTarget): WebhookTarget & { missingSecret?: true } {
    const secret =
      target.secretName === undefined ? undefined : this.options.secrets.get(target.secretName);
    return {
      name: target.name ?? new URL(target.url).host,
      url: target.url,
      format: target.format,
      secret,
      events: target.events,
      ...(target.secretName !== undefined && secret === undefined ? { missingSecret: true } : {}),
    };
  }

  private queueFor(target: WebhookTarget & { missingSecret?: true }): WebhookQueue | undefined {
    if (target.missingSecret) return undefined;
    const key = targetKey(target);
    let queue = this.queues.get(key);
    if (queue === undefined) {
      const { metrics, clock } = this.options;
      queue = new WebhookQueue(target, this.options.delivery, {
        clock,
        attempted: (t, result) => metrics.attempted(t.name, result),
        delivered: (t, event, seconds) => {
          metrics.delivered(t.name, seconds);
          this.options.logger.debug(
            { event: 'decision.notification_delivered', target: t.name, eventId: event.id },
            'notification delivered',
          );
        },
        undelivered: (failure) => this.undelivered(failure),
      });
      this.queues.set(key, queue);
    }
    return queue;
  }

  /**
   * Counts, logs and dead-letters a notification that will not be delivered.
   * @returns true once the dead letter is written; false when that failed (the record is read
   * again after a restart).
   */
  private async undelivered(failure: UndeliveredNotification): Promise<boolean> {
    const { target, event, body, attempts, error, source } = failure;
    const { metrics, logger, topics, service } = this.options;
    metrics.undelivered(target.name, attempts === 0 ? 'dropped' : 'dead_lettered');
    logger.warn(
      {
        event: 'decision.notification_dead_lettered',
        target: target.name,
        url: redactUrl(target.url),
        eventId: event.id,
        attempts,
        err: { name: error.name, message: error.message },
      },
      `notification not delivered to ${target.name}: ${error.message}`,
    );
    const fromState =
      event.type === RolloutEventType.PHASE_CHANGED || event.type === RolloutEventType.APPROVED;
    const letter: DeadLetter = {
      key: Buffer.from(event.rolloutId),
      value: Buffer.from(body),
      headers: {
        [DlqHeader.sourceTopic]:
          source?.topic ?? (fromState ? topics.state.name : topics.decisions.name),
        [DlqHeader.sourcePartition]: String(source?.partition ?? -1),
        [DlqHeader.sourceOffset]: source?.offset ?? '-1',
        [DlqHeader.errorClass]: error.name,
        [DlqHeader.errorMessage]:
          `${target.name}: ${error.message}${attempts > 0 ? ` (after ${attempts} attempt${attempts === 1 ? '' : 's'})` : ''}`.slice(
            0,
            4_000,
          ),
        [DlqHeader.service]: service,
        [WebhookDlqHeader.target]: target.name,
        [WebhookDlqHeader.url]: redactUrl(target.url),
        [WebhookDlqHeader.format]: target.format,
        [WebhookDlqHeader.eventId]: event.id,
        [WebhookDlqHeader.attempts]: String(attempts),
      },
    };
    try {
      await this.options.deadLetter(letter);
      return true;
    } catch (err) {
      metrics.deadLetterFailed();
      logger.error(
        { event: 'decision.notification_dead_letter_failed', eventId: event.id, err },
        'could not write an undelivered notification to the dead-letter topic',
      );
      return false;
    }
  }
}

/**
 * One queue per distinct request: the same URL with another format or secret is another target.
 * The key stays in memory.
 */
const targetKey = (target: WebhookTarget): string =>
  JSON.stringify([target.name, target.url, target.format, target.secret ?? null]);
