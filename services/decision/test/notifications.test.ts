/**
 * Webhook notifications of the decision service against a local receiver (node:http) and the
 * real broker: signed JSON payloads, Slack messages, retries after 500s with one dedupe id, dead
 * letters after the last attempt, and a receiver that hangs while decisions go on.
 */
import type { DecisionReport, RolloutCommand } from '@kanary/contracts';
import { DlqHeader, dlqHeader } from '@kanary/kafka';
import { disconnectTestClients, waitFor, waitForMessages } from '@kanary/testkit';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookDlqHeader } from '../src/index.js';
import {
  metricValue,
  knows,
  stateAt,
  MODEL,
  decisionBed,
  startCommand,
  stepTraffic,
  type DecisionBed,
  FAST_POLICY as POLICY,
} from './decision-bed.js';
import { startDecisionProcess, type DecisionProcess } from './decision-process.js';
import { webhookReceiver, type ReceivedRequest, type WebhookReceiver } from './webhook-receiver.js';

afterAll(disconnectTestClients);

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close().catch(() => undefined);
  cleanup = [];
});

async function newBed(): Promise<DecisionBed> {
  const bed = await decisionBed();
  cleanup.push(() => bed.close());
  return bed;
}

async function newReceiver(
  answers: Parameters<typeof webhookReceiver>[0],
): Promise<WebhookReceiver> {
  const receiver = await webhookReceiver(answers);
  // Closed after the bed (cleanup runs in reverse), so stopping services see it up.
  cleanup.unshift(() => receiver.close());
  return receiver;
}

const SIGNED_SECRET = 'notify-test-secret-one';
const SHARED_SECRET = 'notify-test-secret-two';

const header = (request: ReceivedRequest, name: string): string | undefined => {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

const verified = (request: ReceivedRequest, secret: string): boolean =>
  verifyWebhook({
    secret,
    body: request.body,
    timestamp: header(request, 'X-Kanary-Timestamp'),
    signature: header(request, 'X-Kanary-Signature'),
    nowSeconds: Math.floor(Date.now() / 1_000),
  });

const isRollback = (r: ReceivedRequest) =>
  r.json.type === 'rollout.decision' &&
  (r.json.decision as { action?: string } | undefined)?.action === 'ROLLBACK';

describe('decision service notifications', () => {
  it('delivers decisions and phase changes: signed JSON, Slack, retries after 500s, dead letter after the last attempt', async () => {
    const bed = await newBed();
    // /flaky answers 500 to the first two attempts of every event, then 200.
    const attemptsPerEvent = new Map<string, number>();
    const receiver = await newReceiver({
      '/signed': () => 200,
      '/flaky': (_n, request) => {
        const id = header(request, 'X-Kanary-Event-Id') ?? '';
        const n = (attemptsPerEvent.get(id) ?? 0) + 1;
        attemptsPerEvent.set(id, n);
        return n <= 2 ? 500 : 200;
      },
      '/down': () => 500,
      '/slack': () => 200,
    });
    const router = await bed.router();
    await bed.evaluator();
    const decision = await bed.decision({
      DECISION_NOTIFY_WEBHOOKS: JSON.stringify([
        { name: 'signed', url: receiver.url('/signed'), secret: SIGNED_SECRET },
        { name: 'flaky', url: receiver.url('/flaky'), secretName: 'shared' },
        { name: 'down', url: receiver.url('/down'), events: ['decision'] },
        { name: 'slack', url: receiver.url('/slack'), format: 'slack', events: ['decision'] },
      ]),
      DECISION_WEBHOOK_SECRETS: JSON.stringify({ shared: SHARED_SECRET }),
      DECISION_NOTIFY_MAX_ATTEMPTS: '3',
      DECISION_NOTIFY_BACKOFF_MS: '20',
      DECISION_NOTIFY_MAX_BACKOFF_MS: '100',
    });

    await bed.produce(bed.catalog.commands, [startCommand('r-notify', POLICY)], (c) => c.model);
    const started = await stateAt(router, 1);
    await knows(decision, 'r-notify', 0);
    const worse = { stable: 0.9, canary: 0.4 };
    await bed.send(await stepTraffic(started, 'a', { stable: 400, canary: 100 }, worse, 7));
    await waitFor(() => router.rollout(MODEL)?.phase === 'ROLLED_BACK', { timeoutMs: 60_000 });

    // Signed JSON: the decision and both phase changes, each verifiable with the secret.
    const signed = await receiver.waitFor(
      '/signed',
      (rs) =>
        rs.some(isRollback) &&
        rs.some((r) => (r.json.phaseChange as { to?: string } | undefined)?.to === 'ROLLED_BACK'),
    );
    const rollback = signed.find(isRollback)!;
    expect(rollback.json).toMatchObject({
      type: 'rollout.decision',
      model: MODEL,
      rolloutId: 'r-notify',
      decision: { action: 'ROLLBACK', code: 'GUARDRAIL_FAILED', commandId: 'r-notify:1:ROLLBACK' },
    });
    expect(header(rollback, 'X-Kanary-Event-Id')).toBe(rollback.json.id);
    expect(header(rollback, 'X-Kanary-Signature')).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signed.every((r) => verified(r, SIGNED_SECRET))).toBe(true);
    expect(verified(rollback, SHARED_SECRET)).toBe(false);
    expect(
      verified({ ...rollback, body: rollback.body.replace('ROLLBACK', 'PROMOTE') }, SIGNED_SECRET),
    ).toBe(false);
    expect(signed.map((r) => r.json.phaseChange).filter(Boolean)).toEqual([
      expect.objectContaining({ from: null, to: 'CANARY' }),
      expect.objectContaining({ from: 'CANARY', to: 'ROLLED_BACK' }),
    ]);

    // Retries: the same event three times with the same dedupe id, delivered by the third.
    const rollbackId = String(rollback.json.id);
    const flaky = await receiver.waitFor(
      '/flaky',
      (rs) => rs.filter((r) => r.json.id === rollbackId).length === 3,
    );
    const attempts = flaky.filter((r) => r.json.id === rollbackId);
    expect(attempts.map((r) => header(r, 'X-Kanary-Event-Id'))).toEqual([
      rollbackId,
      rollbackId,
      rollbackId,
    ]);
    expect(attempts.every((r) => verified(r, SHARED_SECRET))).toBe(true);
    await waitFor(
      async () =>
        (await metricValue(
          decision,
          /^kanary_notifications_total\{target="flaky",outcome="delivered"[,}]/,
        )) >= 1,
    );
    expect(
      await metricValue(
        decision,
        /^kanary_notification_attempts_total\{target="flaky",result="500"[,}]/,
      ),
    ).toBeGreaterThanOrEqual(2);

    // Dead letter: three attempts, then the body on the dead-letter topic with the reason.
    const letters = await waitForMessages(
      bed.catalog.dlq.name,
      (records: readonly KafkaMessage[]) =>
        records.some(
          (r) => dlqHeader(r.headers as IHeaders, WebhookDlqHeader.eventId) === rollbackId,
        ),
    );
    const letter = letters.find(
      (r) => dlqHeader(r.headers as IHeaders, WebhookDlqHeader.eventId) === rollbackId,
    )!;
    const headers = letter.headers as IHeaders;
    expect(dlqHeader(headers, WebhookDlqHeader.target)).toBe('down');
    expect(dlqHeader(headers, WebhookDlqHeader.attempts)).toBe('3');
    expect(dlqHeader(headers, WebhookDlqHeader.url)).toBe(new URL(receiver.url('/')).origin);
    expect(dlqHeader(headers, DlqHeader.service)).toBe('decision');
    expect(dlqHeader(headers, DlqHeader.sourceTopic)).toBe(bed.catalog.decisions.name);
    expect(dlqHeader(headers, DlqHeader.errorClass)).toBe('WebhookRequestError');
    expect(dlqHeader(headers, DlqHeader.errorMessage)).toMatch(/HTTP 500.*after 3 attempts/);
    expect(letter.key?.toString()).toBe('r-notify');
    expect(JSON.parse(letter.value!.toString())).toMatchObject({ id: rollbackId });
    expect(receiver.requests('/down').filter((r) => r.json.id === rollbackId)).toHaveLength(3);
    expect(
      await metricValue(
        decision,
        /^kanary_notifications_total\{target="down",outcome="dead_lettered"[,}]/,
      ),
    ).toBeGreaterThanOrEqual(1);

    // Slack: incoming-webhook shape, decisions only, unsigned.
    const [slack] = await receiver.waitFor('/slack', (rs) => rs.length >= 1);
    expect(slack!.json).toMatchObject({
      text: expect.stringContaining(`${MODEL}: ROLLBACK`),
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('ROLLBACK') } },
        { type: 'section', text: { type: 'mrkdwn', text: expect.any(String) } },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: expect.stringContaining(rollbackId) }],
        },
      ],
    });
    expect(header(slack!, 'X-Kanary-Signature')).toBeUndefined();
  });

  it('keeps deciding while a receiver hangs: its queue is bounded and the rest is dead-lettered', async () => {
    const bed = await newBed();
    const receiver = await newReceiver({ '/hang': () => 'hang' });
    const router = await bed.router();
    await bed.evaluator();
    const decision = await bed.decision({
      DECISION_NOTIFY_WEBHOOKS: JSON.stringify([{ name: 'hang', url: receiver.url('/hang') }]),
      DECISION_NOTIFY_TIMEOUT_MS: '60000',
      DECISION_NOTIFY_CONCURRENCY: '1',
      DECISION_NOTIFY_QUEUE_SIZE: '2',
    });
    const reports = await bed.collect(bed.catalog.decisions);

    await bed.produce(bed.catalog.commands, [startCommand('r-hang', POLICY)], (c) => c.model);
    const step0 = await stateAt(router, 1);
    await knows(decision, 'r-hang', 0);
    // The receiver holds the first notification (the rollout's start) and answers nothing.
    await receiver.waitFor('/hang', (rs) => rs.length >= 1);
    const better = { stable: 0.85, canary: 0.97 };
    await bed.send(await stepTraffic(step0, 'a', { stable: 600, canary: 150 }, better, 1));
    const step1 = await stateAt(router, 2);
    expect(step1.stepIndex).toBe(1);
    await knows(decision, 'r-hang', 1);
    await bed.send(await stepTraffic(step1, 'b', { stable: 120, canary: 120 }, better, 2));
    const promoted = await stateAt(router, 3);

    // Both decisions were made and published while the first request still hangs.
    expect(promoted.phase).toBe('PROMOTED');
    const published = await reports.waitFor((rs: readonly DecisionReport[]) =>
      rs.some((r) => r.action === 'PROMOTE'),
    );
    expect(published.filter((r) => r.action !== 'HOLD').map((r) => r.action)).toEqual([
      'ADVANCE',
      'PROMOTE',
    ]);
    expect(receiver.open('/hang')).toBe(1);
    expect(receiver.requests('/hang')).toHaveLength(1);
    // Past the bound, notifications were dead-lettered at once instead of waiting.
    const dropped = await waitForMessages(
      bed.catalog.dlq.name,
      (records: readonly KafkaMessage[]) =>
        records.some(
          (r) => dlqHeader(r.headers as IHeaders, DlqHeader.errorClass) === 'WebhookQueueFullError',
        ),
    );
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    expect(
      await metricValue(
        decision,
        /^kanary_notifications_total\{target="hang",outcome="dropped"[,}]/,
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(await metricValue(decision, /^kanary_notification_queue_depth\{target="hang"[,}]/)).toBe(
      2,
    );
  });

  it('survives a SIGKILL: an unfinished notification and the phase changes made while the service was down are sent after the restart', async () => {
    const bed = await newBed();
    let down = true;
    const receiver = await newReceiver({ '/ops': () => (down ? 503 : 200) });
    const router = await bed.router();
    const env = {
      ...bed.env,
      DECISION_NOTIFY_WEBHOOKS: JSON.stringify([{ name: 'ops', url: receiver.url('/ops') }]),
      DECISION_NOTIFY_MAX_ATTEMPTS: '20',
      DECISION_NOTIFY_BACKOFF_MS: '100',
      DECISION_NOTIFY_MAX_BACKOFF_MS: '500',
    };
    const processes: DecisionProcess[] = [];
    cleanup.push(async () => {
      await Promise.allSettled(processes.map((p) => p.stop()));
    });
    const first = await startDecisionProcess(env, 'decision-notify-1');
    processes.push(first);

    const start = startCommand('r-durable', POLICY);
    await bed.produce(bed.catalog.commands, [start], (c) => c.model);
    const started = await stateAt(router, 1);
    // The receiver is down: the rollout's start is attempted, never delivered, when the process dies.
    await receiver.waitFor('/ops', (rs) => rs.some((r) => r.json.id === 'phase:r-durable:1'));
    await first.kill();

    // While no decision service runs, an operator pauses the rollout.
    const pause: RolloutCommand = {
      ...start,
      commandId: 'r-durable:pause',
      action: 'PAUSE',
      basedOnSeq: started.seq,
      reason: 'maintenance window',
      issuedAt: Date.now(),
      policy: null,
    };
    await bed.produce(bed.catalog.commands, [pause], (c) => c.model);
    await waitFor(() => router.rollout(MODEL)?.phase === 'PAUSED', { timeoutMs: 30_000 });

    down = false;
    const attemptsBefore = receiver.requests('/ops').length;
    processes.push(await startDecisionProcess(env, 'decision-notify-2'));
    const delivered = (rs: readonly ReceivedRequest[]) =>
      rs.slice(attemptsBefore).map((r) => r.json as { id: string; phaseChange?: unknown });
    const after = await receiver.waitFor(
      '/ops',
      (rs) => {
        const ids = delivered(rs).map((e) => e.id);
        return ids.includes('phase:r-durable:1') && ids.includes('phase:r-durable:2');
      },
      90_000,
    );
    const events = delivered(after);
    expect(events.find((e) => e.id === 'phase:r-durable:1')?.phaseChange).toMatchObject({
      from: null,
      to: 'CANARY',
    });
    expect(events.find((e) => e.id === 'phase:r-durable:2')?.phaseChange).toMatchObject({
      from: 'CANARY',
      to: 'PAUSED',
      command: { action: 'PAUSE', issuedBy: 'OPERATOR' },
    });
    // Delivered once each after the restart: no event was sent twice once the receiver was up.
    const ids = events.map((e) => e.id);
    expect(ids.filter((id) => id === 'phase:r-durable:2')).toHaveLength(1);
    expect(ids.filter((id) => id === 'phase:r-durable:1')).toHaveLength(1);
  });
});
