import { exampleEvents, topicCatalog } from '@kanary/contracts';
import { DlqHeader, dlqHeader, type DeadLetter } from '@kanary/kafka';
import { createLogger, createMetricsRegistry } from '@kanary/observability';
import { parsePolicy, type PolicyInput } from '@kanary/rollout';
import { waitFor } from '@kanary/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { webhookReceiver, type WebhookReceiver } from '../../test/webhook-receiver.js';
import { notificationMetrics } from './notification-metrics.js';
import { Notifier, WebhookDlqHeader } from './notifier.js';
import { verifyWebhook } from './webhook-signature.js';

const SECRET = 'policy-target-secret';
const ROLLBACK = {
  ...exampleEvents.DecisionReport,
  action: 'ROLLBACK' as const,
  approvedBy: null,
  awaitingApproval: null,
};

let receiver: WebhookReceiver | undefined;
let notifier: Notifier | undefined;
afterEach(async () => {
  await notifier?.stop();
  await receiver?.close();
});

function start(policy: PolicyInput, letters: DeadLetter[]): Notifier {
  const registry = createMetricsRegistry('decision');
  const parsed = parsePolicy(policy);
  notifier = new Notifier({
    global: [],
    secrets: new Map([['team', SECRET]]),
    delivery: {
      maxAttempts: 2,
      firstBackoffMs: 5,
      maxBackoffMs: 10,
      timeoutMs: 30_000,
      queueSize: 10,
      concurrency: 1,
    },
    policyOf: (model) => (model === ROLLBACK.model ? parsed : undefined),
    deadLetter: (letter) => {
      letters.push(letter);
      return Promise.resolve();
    },
    topics: topicCatalog({ prefix: 't', dataPartitions: 1 }),
    metrics: notificationMetrics(registry, () => new Map()),
    logger: createLogger({ service: 'decision', level: 'silent' }),
    service: 'decision',
    clock: Date.now,
  });
  return notifier;
}

describe('Notifier with a rollout’s own targets', () => {
  it('signs with the named secret and honours the target’s events', async () => {
    receiver = await webhookReceiver({ '/team': () => 204 });
    const letters: DeadLetter[] = [];
    const n = start(
      {
        notifications: [{ url: receiver.url('/team'), secretName: 'team', events: ['decision'] }],
      },
      letters,
    );
    n.goLive();
    n.onState({ ...exampleEvents.RolloutState, model: ROLLBACK.model, approval: null });
    n.onReports([ROLLBACK]);
    const [request] = await receiver.waitFor('/team', (rs) => rs.length >= 1);
    expect(request!.json).toMatchObject({
      type: 'rollout.decision',
      decision: { action: 'ROLLBACK' },
    });
    const header = (name: string) => request!.headers[name] as string | undefined;
    expect(
      verifyWebhook({
        secret: SECRET,
        body: request!.body,
        timestamp: header('x-kanary-timestamp'),
        signature: header('x-kanary-signature'),
        nowSeconds: Math.floor(Date.now() / 1_000),
      }),
    ).toBe(true);
    // The phase change was not among the target's events.
    expect(receiver.requests('/team')).toHaveLength(1);
    expect(letters).toEqual([]);
  });

  it('dead-letters instead of sending unsigned when the named secret is not held', async () => {
    receiver = await webhookReceiver({ '/team': () => 200 });
    const letters: DeadLetter[] = [];
    const n = start(
      { notifications: [{ name: 'team', url: receiver.url('/team'), secretName: 'unknown' }] },
      letters,
    );
    n.onReports([ROLLBACK]);
    expect(letters).toHaveLength(1);
    expect(dlqHeader(letters[0]!.headers, DlqHeader.errorClass)).toBe('WebhookSecretMissingError');
    expect(dlqHeader(letters[0]!.headers, WebhookDlqHeader.attempts)).toBe('0');
    expect(receiver.requests('/team')).toEqual([]);
  });

  it('dead-letters what is in flight or queued when it stops', async () => {
    receiver = await webhookReceiver({ '/hang': () => 'hang' });
    const letters: DeadLetter[] = [];
    const n = start({ notifications: [{ name: 'hang', url: receiver.url('/hang') }] }, letters);
    n.onReports([ROLLBACK, { ...ROLLBACK, decisionId: 'd-2' }]);
    await receiver.waitFor('/hang', (rs) => rs.length >= 1);
    await n.stop();
    await waitFor(() => letters.length === 2);
    expect(letters.map((l) => dlqHeader(l.headers, DlqHeader.errorClass))).toEqual([
      'WebhookStoppedError',
      'WebhookStoppedError',
    ]);
  });
});
