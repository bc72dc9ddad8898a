import { IssuedBy, RolloutAction, type RolloutCommand } from '@kanary/contracts';
import type { ApprovalWait } from '@kanary/decision-engine';
import type { Logger } from '@kanary/observability';
import { commandOnState } from '@kanary/rollout';
import { approvalRequestEvent } from '../core/rollout-event.js';
import type { NotificationMetrics } from './notification-metrics.js';
import { postWebhook, redactUrl, WebhookRequestError } from './post-webhook.js';

export interface ConfirmWebhooksOptions {
  /** Named secrets a confirm webhook may sign with (DECISION_WEBHOOK_SECRETS). */
  readonly secrets: ReadonlyMap<string, string>;
  /** Publishes the APPROVE command a 2xx answer earns (through the decision publisher). */
  publish(command: RolloutCommand): Promise<void>;
  readonly metrics: NotificationMetrics;
  readonly logger: Logger;
  clock(): number;
}

/**
 * Flagger's confirm-promotion: while a rollout awaits approval and its policy names a confirm
 * webhook, every tick POSTs the approval request there (one call in flight per rollout state,
 * off the decision path); the first 2xx answer publishes an APPROVE command (issuedBy DECISION,
 * actor `confirm-webhook <host>`, a deterministic id per state), which the router records as the
 * approval. Any other answer, or none within the timeout, means "not yet": asked again at a
 * later tick.
 */
export class ConfirmWebhooks {
  private readonly inFlight = new Set<string>();
  private readonly approved = new Set<string>();
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: ConfirmWebhooksOptions) {}

  /** Calls the confirm webhook of every waiting rollout that has one and is not being asked. */
  request(waits: readonly ApprovalWait[]): void {
    if (this.abort.signal.aborted) return;
    for (const wait of waits) {
      const webhook = wait.policy.approval.confirmWebhook;
      if (webhook === null) continue;
      const key = `${wait.state.rolloutId}:${wait.state.seq}`;
      if (this.inFlight.has(key) || this.approved.has(key)) continue;
      this.inFlight.add(key);
      const call = this.ask(wait, key).finally(() => {
        this.inFlight.delete(key);
        this.running.delete(call);
      });
      this.running.add(call);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  private async ask(wait: ApprovalWait, key: string): Promise<void> {
    const webhook = wait.policy.approval.confirmWebhook;
    if (webhook === null) return;
    const { logger, metrics, clock, secrets } = this.options;
    const host = new URL(webhook.url).host;
    const secret = webhook.secretName === undefined ? undefined : secrets.get(webhook.secretName);
    const log = logger.child({
      rolloutId: wait.state.rolloutId,
      model: wait.state.model,
      url: redactUrl(webhook.url),
    });
    if (webhook.secretName !== undefined && secret === undefined) {
      metrics.confirmation('error');
      log.error(
        { event: 'decision.confirm_webhook_secret_missing' },
        'the confirm webhook names a secret DECISION_WEBHOOK_SECRETS does not hold; not called',
      );
      return;
    }
    const now = clock();
    const event = approvalRequestEvent(wait, now);
    let status: number;
    try {
      status = await postWebhook({
        url: webhook.url,
        body: JSON.stringify(event),
        eventId: event.id,
        eventType: event.type,
        secret,
        timeoutMs: webhook.timeoutMs,
        signal: this.abort.signal,
        now,
      });
    } catch (error) {
      const refused = error instanceof WebhookRequestError && error.kind === 'status';
      metrics.confirmation(refused ? 'refused' : 'error');
      log.info(
        { event: 'decision.confirm_webhook_not_yet', reason: (error as Error).message },
        `confirm webhook did not approve: ${(error as Error).message}`,
      );
      return;
    }
    metrics.confirmation('approved');
    const command = commandOnState(wait.state, RolloutAction.APPROVE, {
      commandId: `${wait.state.rolloutId}:${wait.state.seq}:APPROVE`,
      issuedAt: clock(),
      issuedBy: IssuedBy.DECISION,
      reason: `the confirm webhook at ${host} answered ${status}`,
      actor: `confirm-webhook ${host}`,
    });
    try {
      await this.options.publish(command);
      this.approved.add(key);
      log.info(
        { event: 'decision.confirm_webhook_approved', commandId: command.commandId, status },
        `confirm webhook approved ${wait.action}`,
      );
    } catch (err) {
      log.error(
        { event: 'decision.confirm_webhook_publish_failed', err },
        'could not publish the approval; the webhook is asked again at a later tick',
      );
    }
  }
}
