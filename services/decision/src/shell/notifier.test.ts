import { exampleEvents, topicCatalog } from '@kanary/contracts';
import { DlqHeader, dlqHeader, type DeadLetter } from '@kanary/kafka';
import { createLogger, createMetricsRegistry } from '@kanary/observability';
import { parsePolicy, type PolicyInput } from '@kanary/rollout';
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

function start(
  policy: PolicyInput,
  letters: DeadLetter[],
  deadLetter = (letter: DeadLetter): Promise<void> => {
    letters.push(letter);
    return Promise.resolve();
  },
): Notifier {
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
    deadLetter,
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
    const started = {
      ...exampleEvents.RolloutState,
      model: ROLLBACK.model,
      approval: null,
      lastCommand: { ...exampleEvents.RolloutState.lastCommand!, action: 'START' as const },
    };
    // The phase change is not among the target's events: nothing to do, done at once.
    await expect(n.onState(started)).resolves.toBe(true);
    await expect(n.onReport(ROLLBACK)).resolves.toBe(true);
    const [request] = receiver.requests('/team');
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
    expect(receiver.requests('/team')).toHaveLength(1);
    expect(letters).toEqual([]);
  });

  it('sends an event handed over twice (a record read again, two instances’ reports) once', async () => {
    receiver = await webhookReceiver({ '/team': () => 200 });
    const n = start({ notifications: [{ name: 'team', url: receiver.url('/team') }] }, []);
    const outcomes = await Promise.all([n.onReport(ROLLBACK), n.onReport(ROLLBACK)]);
    await expect(n.onReport(ROLLBACK)).resolves.toBe(true);
    expect(outcomes).toEqual([true, true]);
    expect(receiver.requests('/team')).toHaveLength(1);
  });

  it('dead-letters instead of sending unsigned when the named secret is not held', async () => {
    receiver = await webhookReceiver({ '/team': () => 200 });
    const letters: DeadLetter[] = [];
    const n = start(
      { notifications: [{ name: 'team', url: receiver.url('/team'), secretName: 'unknown' }] },
      letters,
    );
    const source = { topic: 't.rollout.decisions', partition: 0, offset: '41' };
    await expect(n.onReport(ROLLBACK, source)).resolves.toBe(true);
    expect(letters).toHaveLength(1);
    const headers = letters[0]!.headers;
    expect(dlqHeader(headers, DlqHeader.errorClass)).toBe('WebhookSecretMissingError');
    expect(dlqHeader(headers, WebhookDlqHeader.attempts)).toBe('0');
    expect(dlqHeader(headers, DlqHeader.sourceTopic)).toBe(source.topic);
    expect(dlqHeader(headers, DlqHeader.sourceOffset)).toBe('41');
    expect(receiver.requests('/team')).toEqual([]);
  });

  it('reports a record unfinished when its dead letter cannot be written', async () => {
    receiver = await webhookReceiver({ '/team': () => 200 });
    const n = start(
      { notifications: [{ name: 'team', url: receiver.url('/team'), secretName: 'unknown' }] },
      [],
      () => Promise.reject(new Error('broker down')),
    );
    await expect(n.onReport(ROLLBACK)).resolves.toBe(false);
  });

  it('abandons what is in flight or queued when it stops: unfinished, not dead-lettered', async () => {
    receiver = await webhookReceiver({ '/hang': () => 'hang' });
    const letters: DeadLetter[] = [];
    const n = start({ notifications: [{ name: 'hang', url: receiver.url('/hang') }] }, letters);
    const outcomes = [n.onReport(ROLLBACK), n.onReport({ ...ROLLBACK, decisionId: 'd-2' })];
    await receiver.waitFor('/hang', (rs) => rs.length >= 1);
    await n.stop();
    await expect(Promise.all(outcomes)).resolves.toEqual([false, false]);
    await expect(n.onReport({ ...ROLLBACK, decisionId: 'd-3' })).resolves.toBe(false);
    expect(letters).toEqual([]);
  });
});
