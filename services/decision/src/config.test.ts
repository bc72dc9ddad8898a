import { describe, expect, it } from 'vitest';
import { loadDecisionConfig } from './config.js';

const BASE = { KAFKA_BROKERS: '127.0.0.1:9092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081' };
const SECRET = 'a-signing-secret-of-some-length';

describe('decision config: notifications', () => {
  it('reads global targets, resolving named secrets, with delivery defaults', () => {
    const config = loadDecisionConfig({
      ...BASE,
      DECISION_NOTIFY_WEBHOOKS: JSON.stringify([
        { url: 'https://hooks.example/a', secretName: 'ops' },
        { name: 'chat', url: 'https://hooks.slack.example/T/B/x', format: 'slack' },
      ]),
      DECISION_WEBHOOK_SECRETS: JSON.stringify({ ops: SECRET }),
    });
    expect(config.notifications).toMatchObject({
      targets: [
        { url: 'https://hooks.example/a', format: 'json', secretName: 'ops' },
        { name: 'chat', format: 'slack', events: ['decision', 'phase', 'approval'] },
      ],
      maxAttempts: 6,
      firstBackoffMs: 1_000,
      maxBackoffMs: 60_000,
      timeoutMs: 5_000,
      queueSize: 1_000,
      concurrency: 4,
    });
    expect(config.notifications.secrets.get('ops')).toBe(SECRET);
  });

  it.each([
    [
      { DECISION_NOTIFY_WEBHOOKS: '[{"url":"ftp://x.example"}]' },
      /DECISION_NOTIFY_WEBHOOKS \(set\): 0\.url: must be an http or https URL/,
    ],
    [
      { DECISION_NOTIFY_WEBHOOKS: '[{"url":"https://x.example","format":"xml"}]' },
      /DECISION_NOTIFY_WEBHOOKS \(set\): 0\.format/,
    ],
    [
      { DECISION_NOTIFY_WEBHOOKS: `[{"url":"https://x.example","secret":"short"}]` },
      /0\.secret: must be at least 16 characters/,
    ],
    [
      { DECISION_NOTIFY_WEBHOOKS: '[{"url":"https://x.example","secretName":"nope"}]' },
      /DECISION_WEBHOOK_SECRETS holds no secret named "nope"/,
    ],
    [
      { DECISION_WEBHOOK_SECRETS: '{"ops":"short"}' },
      /DECISION_WEBHOOK_SECRETS \(set\): ops: must be at least 16 characters/,
    ],
    [
      { DECISION_NOTIFY_MAX_ATTEMPTS: '0' },
      /DECISION_NOTIFY_MAX_ATTEMPTS \("0"\): must be an integer in \[1, 20\]/,
    ],
    [{ DECISION_NOTIFY_TIMEOUT_MS: 'soon' }, /DECISION_NOTIFY_TIMEOUT_MS/],
  ])('%j fails start-up naming the variable', (env, message) => {
    expect(() => loadDecisionConfig({ ...BASE, ...env })).toThrow(message);
  });

  it('never shows a webhook variable’s value in the error', () => {
    const url = 'https://hooks.slack.example/services/T000/B000/XXXXSECRETTOKEN';
    expect(() =>
      loadDecisionConfig({
        ...BASE,
        DECISION_NOTIFY_WEBHOOKS: JSON.stringify([{ url, format: 'teams' }]),
      }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('XXXXSECRETTOKEN') }));
  });
});
