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
  /** The policy of a model's current rollout, for its own targets. */
  policyOf(model: string): Policy | undefined;
  /** Writes a dead letter to the dead-letter topic. */
  deadLetter(letter: DeadLetter): Promise<void>;
  readonly topics: Pick<TopicCatalog, 'decisions' | 'state'>;
  readonly metrics: NotificationMetrics;
  readonly logger: Logger;
  readonly service: string;
  clock(): number;
}

/**
 * Tells webhooks about decisions, approvals and phase changes, off the decision path: the
 * decision loop and the state reader only hand events over ({@link onReports},
 * {@link onState}); each target's {@link WebhookQueue} delivers them in the background, at least
 * once, and what cannot be delivered is dead-lettered with the target and the reason. States
 * read while restoring only set the baseline ({@link goLive} starts notifying), so a restart
 * does not repeat old phase changes.
 */
export class Notifier {
  private readonly queues = new Map<string, WebhookQueue>();
  private readonly states = new Map<string, RolloutState>();
  private live = false;
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

  /** From now on, state changes are news. */
  goLive(): void {
    this.live = true;
  }

  onReports(reports: readonly DecisionReport[]): void {
    for (const report of reports) {
      for (const event of eventsFromReport(report)) this.dispatch(event);
    }
  }

  onState(state: RolloutState): void {
    const previous = this.states.get(state.model);
    if (previous !== undefined && state.seq <= previous.seq) return;
    this.states.set(state.model, state);
    if (!this.live) return;
    for (const event of eventsFromState(previous, state)) this.dispatch(event);
  }

  /** Aborts what is in flight and dead-letters everything undelivered. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.stop()));
  }

  private dispatch(event: RolloutEvent): void {
    if (this.stopped) return;
    const kind = EVENT_KIND[event.type];
    const policy = this.options.policyOf(event.model);
    const own = policy?.notifications ?? [];
    const targets: WebhookTarget[] = [
      ...this.options.global,
      ...own.map((target) => this.resolve(target)),
    ];
    for (const target of targets) {
      if (!target.events.includes(kind)) continue;
      const queue = this.queueFor(target);
      if (queue === undefined) {
        this.undelivered({
          target,
          event,
          body: JSON.stringify(event),
          attempts: 0,
          error: new WebhookSecretMissingError(
            `the policy names the secret of this target, but DECISION_WEBHOOK_SECRETS has no secret by that name`,
          ),
        });
        continue;
      }
      queue.enqueue(event);
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
    // One queue per distinct request: the same URL with another format or secret is another
    // target. The key stays in memory.
    const key = JSON.stringify([target.name, target.url, target.format, target.secret ?? null]);
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

  /** Counts, logs and dead-letters a notification that will not be delivered. */
  private undelivered(failure: UndeliveredNotification): void {
    const { target, event, body, attempts, error } = failure;
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
        [DlqHeader.sourceTopic]: fromState ? topics.state.name : topics.decisions.name,
        [DlqHeader.sourcePartition]: '-1',
        [DlqHeader.sourceOffset]: '-1',
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
    this.options.deadLetter(letter).catch((err: unknown) => {
      metrics.deadLetterFailed();
      logger.error(
        { event: 'decision.notification_dead_letter_failed', eventId: event.id, err },
        'could not write an undelivered notification to the dead-letter topic',
      );
    });
  }
}
