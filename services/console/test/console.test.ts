import { exampleEvents } from '@kanary/contracts';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionResult, RolloutSummary } from '../src/index.js';
import { CONSOLE_TOKEN, consoleBed, type ConsoleBed } from './console-bed.js';

let bed: ConsoleBed;

beforeAll(async () => {
  bed = await consoleBed();
}, 120_000);

afterAll(async () => {
  await bed?.close();
  await disconnectTestClients();
});

/** Reads a server-sent event stream in the background. */
function followEvents(url: string) {
  const abort = new AbortController();
  let text = '';
  const done = (async () => {
    const response = await fetch(url, { signal: abort.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      text += decoder.decode(value, { stream: true });
    }
  })().catch(() => undefined);
  return {
    text: () => text,
    async close() {
      abort.abort();
      await done;
    },
  };
}

const json = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${bed.console.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
};

describe('web console on the broker', () => {
  it('shows a live rollout (JSON, HTML, server-sent events) and rolls it back with the operator token', async () => {
    const events = followEvents(`${bed.console.url}/events`);
    try {
      await waitFor(() => events.text().includes('event: hello'), {
        description: 'the hello event',
      });
      await bed.startRollout('weather', 'weather-logreg-v1', 'weather-tree-v3', 'weather-c1');

      // The state reaches the console, and every open page is told.
      const listed = await waitFor(
        async () => {
          const { body } = await json<{ rollouts: RolloutSummary[] }>('/api/rollouts');
          return body.rollouts.find((r) => r.rolloutId === 'weather-c1' && r.phase === 'CANARY');
        },
        { timeoutMs: 30_000, description: 'the rollout in /api/rollouts' },
      );
      expect(listed).toMatchObject({
        model: 'weather',
        current: true,
        canaryWeight: 0.1,
        stable: 'weather-logreg-v1',
        canary: 'weather-tree-v3',
        actions: ['pause', 'promote', 'rollback'],
      });
      await waitFor(() => events.text().includes('event: change'), {
        description: 'a change event',
      });

      // A metrics snapshot and a decision show up in the JSON and on the page.
      await bed.publish(bed.catalog.metrics, 'weather-c1', {
        ...exampleEvents.VariantMetrics,
        rolloutId: 'weather-c1',
        model: 'weather',
        variant: 'weather-tree-v3',
        role: 'CANARY',
        predictions: 400,
        labelled: 300,
        correct: 255,
        accuracy: 0.85,
        at: Date.now(),
      });
      await bed.publish(bed.catalog.decisions, 'weather-c1', {
        ...exampleEvents.DecisionReport,
        rolloutId: 'weather-c1',
        model: 'weather',
        action: 'HOLD',
        reason: 'need 100 labelled samples per arm, have 12 <stable>',
        at: Date.now(),
      });
      const detail = await waitFor(
        async () => {
          const { body } = await json<{
            rollout: RolloutSummary;
            decisions: unknown[];
            metrics: unknown[];
          }>('/api/rollouts/weather-c1');
          return body.decisions.length === 1 && body.metrics.length === 1 ? body : undefined;
        },
        { timeoutMs: 30_000, description: 'the decision and metrics in the rollout JSON' },
      );
      const canary = detail.rollout.arms.find((a) => a.role === 'canary')!;
      expect(canary).toMatchObject({ variant: 'weather-tree-v3', labelled: 300, accuracy: 0.85 });
      expect(canary.accuracyLower!).toBeLessThan(0.85);
      expect(canary.accuracyUpper!).toBeGreaterThan(0.85);

      const page = await fetch(`${bed.console.url}/rollouts/weather-c1`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('<span class="phase p-CANARY" id="phase">CANARY</span>');
      expect(html).toContain('need 100 labelled samples per arm, have 12 &lt;stable&gt;');
      expect(html).toContain('Accuracy per arm (band: always-valid 95 % interval)');
      expect(html).toContain('data-verb="rollback"');
      expect(html).toContain('new EventSource');
      const fragment = await (
        await fetch(`${bed.console.url}/rollouts/weather-c1?fragment=1`)
      ).text();
      expect(fragment).not.toContain('<html');
      expect(fragment).toContain('id="phase"');
      const list = await (await fetch(`${bed.console.url}/`)).text();
      expect(list).toContain('href="/rollouts/weather-c1"');
      const redirect = await fetch(`${bed.console.url}/models/weather`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('/rollouts/weather-c1');

      // Operator actions need the token.
      const rollback = (
        headers: Record<string, string>,
        body: unknown = { rolloutId: 'weather-c1' },
      ) =>
        json<ActionResult>('/api/models/weather/rollback', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      expect((await rollback({})).status).toBe(401);
      expect((await rollback({ authorization: 'Bearer not-the-console-token' })).status).toBe(403);
      const auth = { authorization: `Bearer ${CONSOLE_TOKEN}` };
      const stale = await rollback(auth, { rolloutId: 'weather-c0' });
      expect(stale).toMatchObject({ status: 409, body: { outcome: 'STALE_PAGE' } });
      expect(bed.router.rollout('weather')?.phase).toBe('CANARY');

      const applied = await rollback(auth);
      expect(applied).toMatchObject({ status: 200, body: { outcome: 'APPLIED' } });
      expect(bed.router.rollout('weather')?.phase).toBe('ROLLED_BACK');
      expect(bed.router.rollout('weather')?.lastCommand).toMatchObject({
        action: 'ROLLBACK',
        issuedBy: 'OPERATOR',
        outcome: 'APPLIED',
      });
      // The router refuses anything on a finished rollout; the console reports why.
      const again = await json<ActionResult>('/api/models/weather/promote', {
        method: 'POST',
        headers: auth,
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ outcome: 'REJECTED' });
      expect(again.body.message).toMatch(/^rejected: \S+/);
      expect((await json('/api/models/nope/pause', { method: 'POST', headers: auth })).status).toBe(
        404,
      );

      const metrics = await (await fetch(`${bed.console.url}/metrics`)).text();
      expect(metrics).toMatch(
        /kanary_console_actions_total\{verb="rollback",outcome="APPLIED",service="console"\} 1/,
      );
      expect(metrics).toMatch(/kanary_console_live_clients\{service="console"\} 1/);
      expect((await fetch(`${bed.console.url}/readyz`)).status).toBe(200);
    } finally {
      await events.close();
    }
  }, 120_000);
});
