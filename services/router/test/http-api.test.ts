import type { RolloutState, RoutedRequest } from '@kanary/contracts';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OPERATOR_TOKEN, routerBed, type RouterBed } from './router-test-bed.js';

afterAll(disconnectTestClients);

let bed: RouterBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const json = { 'content-type': 'application/json' };
const operator = { ...json, authorization: `Bearer ${OPERATOR_TOKEN}` };

describe('router HTTP API against the broker', () => {
  it('assigns and records, checks operator tokens, refuses bad input, and rolls back through the state machine', async () => {
    bed = await routerBed();
    const router = await bed.start({ ROUTER_BODY_LIMIT_BYTES: '2048' });
    const routed = await bed.collect(bed.catalog.routed);
    const states = await bed.collect(bed.catalog.state);
    const call = (path: string, init: RequestInit = {}) => fetch(`${router.url}${path}`, init);
    const post = (path: string, body: unknown, headers: Record<string, string> = json) =>
      call(path, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    expect((await call('/readyz')).status).toBe(200);

    // Start a rollout as an operator, waiting for the outcome.
    const started = await post(
      '/v1/rollouts/weather/start?wait=true',
      { canary: 'weather-tree-v2', canaryWeight: 0.5, shadows: ['weather-mlp-v3'] },
      operator,
    );
    expect(started.status).toBe(200);
    const startedBody = (await started.json()) as { state: RolloutState; rolloutId: string };
    expect(startedBody.state).toMatchObject({
      phase: 'CANARY',
      canaryWeight: 0.5,
      stable: 'weather-logreg-v1',
    });

    // The assignment API routes by it and records served record and shadow copy on the topic.
    const assigned = await post('/v1/assign', {
      model: 'weather',
      routingKey: 'user-1',
      requestId: 'http-1',
      features: { temp: 3 },
    });
    expect(assigned.status).toBe(200);
    const assignment = (await assigned.json()) as {
      variant: string;
      role: string;
      rolloutId: string;
      shadows: string[];
    };
    expect(assignment).toMatchObject({
      rolloutId: startedBody.rolloutId,
      shadows: ['weather-mlp-v3'],
    });
    const records = await routed.waitFor(2, 30_000);
    expect(
      records.map((r: RoutedRequest) => [r.requestId, r.variant, r.served, r.features]),
    ).toEqual([
      ['http-1', assignment.variant, true, '{"temp":3}'],
      ['http-1', 'weather-mlp-v3', false, '{"temp":3}'],
    ]);

    // Tokens: missing 401, wrong 403, right 202 — and only the right one publishes.
    expect((await post('/v1/rollouts/weather/pause', {})).status).toBe(401);
    expect(
      (
        await post(
          '/v1/rollouts/weather/pause',
          {},
          { ...json, authorization: 'Bearer not-the-operator-token' },
        )
      ).status,
    ).toBe(403);

    // Bad input.
    const cases: Array<[string, string | object, number]> = [
      ['/v1/assign', '{"model":', 400],
      ['/v1/assign', { model: 42 }, 400],
      ['/v1/assign', { model: 'weather', features: { blob: 'x'.repeat(4_000) } }, 413],
      ['/v1/assign', { model: 'unheard-of' }, 404],
      ['/v1/nothing', {}, 404],
    ];
    for (const [path, body, status] of cases) {
      const res = await post(path, body);
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 40)}`).toBe(status);
      expect(((await res.json()) as { message: string }).message.length).toBeGreaterThan(5);
    }
    expect((await call('/v1/rollouts/unheard-of')).status).toBe(404);

    // Rollback via HTTP: 202 with the command id, then ROLLED_BACK on rollout.state.
    const rollback = await post(
      '/v1/rollouts/weather/rollback',
      { reason: 'error rate' },
      operator,
    );
    expect(rollback.status).toBe(202);
    const { commandId } = (await rollback.json()) as { commandId: string };
    const history = await states.waitFor(
      (s) => s.some((x) => x.lastCommand?.commandId === commandId),
      30_000,
    );
    expect(history.at(-1)).toMatchObject({
      phase: 'ROLLED_BACK',
      canaryWeight: 0,
      lastCommand: { commandId, action: 'ROLLBACK', issuedBy: 'OPERATOR', outcome: 'APPLIED' },
    });
    await waitFor(() => router.rollout('weather')?.phase === 'ROLLED_BACK', { timeoutMs: 10_000 });
    const listed = (await (await call('/v1/rollouts/weather')).json()) as RolloutState;
    expect(listed.phase).toBe('ROLLED_BACK');

    // After the rollback a rejected command comes back as 409 with the reason.
    const refused = await post('/v1/rollouts/weather/promote?wait=true', {}, operator);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      status: 'rejected',
      reasonCode: 'ROLLOUT_FINISHED',
    });

    const metrics = await (await call('/metrics')).text();
    expect(metrics).toMatch(
      /kanary_routed_total\{model="weather",variant="weather-mlp-v3",role="SHADOW",ingress="http",service="router"\} 1/,
    );
  });
});
