import { Gauge, metricFactory, type Registry } from '@kanary/observability';

/** Delivery metrics of notifications and confirm webhooks, labelled by target name. */
export function notificationMetrics(registry: Registry, depths: () => ReadonlyMap<string, number>) {
  const m = metricFactory(registry);
  const notifications = m.counter(
    'kanary_notifications_total',
    'Notifications by target and final outcome: delivered, dead_lettered (after the last attempt or a final answer) or dropped (queue full or stopping; dead-lettered too)',
    ['target', 'outcome'],
  );
  const attempts = m.counter(
    'kanary_notification_attempts_total',
    'Webhook requests by target and result: the HTTP status, timeout or error',
    ['target', 'result'],
  );
  const latency = m.histogram(
    'kanary_notification_delivery_seconds',
    'Seconds from queueing a notification to its 2xx answer, retries included',
    ['target'],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  );
  new Gauge({
    name: 'kanary_notification_queue_depth',
    help: 'Notifications a target holds: waiting, being sent or between retries',
    labelNames: ['target'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [target, depth] of depths()) this.set({ target }, depth);
    },
  });
  const confirmations = m.counter(
    'kanary_approval_webhook_calls_total',
    'Confirm-webhook calls by outcome: approved (2xx), refused (another answer) or error (no answer in time, no connection)',
    ['outcome'],
  );
  const deadLetterFailures = m.counter(
    'kanary_notification_dead_letter_failures_total',
    'Undelivered notifications that could not be written to the dead-letter topic either (logged)',
  );
  return {
    attempted: (target: string, result: string) => attempts.inc({ target, result }),
    delivered(target: string, seconds: number): void {
      notifications.inc({ target, outcome: 'delivered' });
      latency.observe({ target }, seconds);
    },
    undelivered: (target: string, outcome: 'dead_lettered' | 'dropped') =>
      notifications.inc({ target, outcome }),
    deadLetterFailed: () => deadLetterFailures.inc(),
    confirmation: (outcome: 'approved' | 'refused' | 'error') => confirmations.inc({ outcome }),
  };
}
export type NotificationMetrics = ReturnType<typeof notificationMetrics>;
