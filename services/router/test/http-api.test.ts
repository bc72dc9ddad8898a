import type { RolloutState, RoutedRequest } from '@kanary/contracts';
import {
  collectMessages,
  connectedAdmin,
  disconnectTestClients,
  waitFor,
  type MessageCollector,
} from '@kanary/testkit';
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

interface Recorded {
  readonly partition: number;
  readonly offset: number;
  readonly requestId: string;
}

/**
 * Every routed record up to the topic's end as it is now: each 200 of `/v1/assign` means its
 * records are durable, so once the answers are in, the end offsets cover all they recorded.
 */
async function recordedUpToNow(
  routed: MessageCollector<Recorded>,
  topic: string,
): Promise<readonly Recorded[]> {
  const admin = await connectedAdmin();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return routed.waitFor(
    (records) =>
      ends.every(
        ({ partition, offset }) =>
          Number(offset) === 0 ||
          records.some((r) => r.partition === partition && r.offset === Number(offset) - 1),
      ),
    30_000,
  );
}

/** Where each routed record of the bed landed and its requestId, collected from the beginning. */
async function routedIds(of: RouterBed): Promise<MessageCollector<Recorded>> {
  const { codec, catalog } = of;
  const routed = await collectMessages<Recorded>(catalog.routed.name, {
    map: async (r) => ({
      partition: r.partition,
      offset: Number(r.offset),
      requestId: (await codec.decode(catalog.routed, r.value)).requestId,
    }),
  });
  await routed.joined;
  return routed;
}

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

  it('runs an A/B/n rollout through the operator API: start with candidates, roll back one, raise one, promote one', async () => {
    bed = await routerBed();
    const router = await bed.start();
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${router.url}${path}`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const statusOf = (body: Record<string, unknown>) =>
      Object.fromEntries(
        (body['state'] as RolloutState).candidates.map((c) => [c.variant, [c.status, c.weight]]),
      );

    const started = await post('/v1/rollouts/weather/start?wait=true', {
      candidates: ['weather-tree-v2', 'weather-gbm-v3', 'weather-mlp-v4'],
      canaryWeight: 0.2,
    });
    expect(started.status).toBe(200);
    expect(started.body['state']).toMatchObject({
      phase: 'CANARY',
      stable: 'weather-logreg-v1',
      canary: null,
    });
    expect(statusOf(started.body)).toEqual({
      'weather-tree-v2': ['LIVE', 0.2],
      'weather-gbm-v3': ['LIVE', 0.2],
      'weather-mlp-v4': ['LIVE', 0.2],
    });

    // Refused before anything is published: 400 naming the candidates.
    const unnamed = await post('/v1/rollouts/weather/promote?wait=true', {});
    expect(unnamed).toEqual({
      status: 400,
      body: {
        error: 'bad_request',
        message: `rollout "${String(started.body['rolloutId'])}" has candidates weather-tree-v2 (LIVE), weather-gbm-v3 (LIVE), weather-mlp-v4 (LIVE): PROMOTE must name one`,
      },
    });
    expect(
      (await post('/v1/rollouts/weather/start', { candidates: ['a', 'b'], shadow: true })).status,
    ).toBe(400);

    const rollback = await post('/v1/rollouts/weather/rollback?wait=true', {
      canary: 'weather-mlp-v4',
      reason: 'worse',
    });
    expect(rollback.status).toBe(200);
    expect(statusOf(rollback.body)).toMatchObject({ 'weather-mlp-v4': ['ROLLED_BACK', 0] });

    const raised = await post('/v1/rollouts/weather/weight?wait=true', {
      canary: 'weather-gbm-v3',
      canaryWeight: 0.25,
      stepIndex: 1,
    });
    expect(raised.status).toBe(200);
    expect(statusOf(raised.body)).toEqual({
      'weather-tree-v2': ['LIVE', 0.2],
      'weather-gbm-v3': ['LIVE', 0.25],
      'weather-mlp-v4': ['ROLLED_BACK', 0],
    });
    // Above a candidate's slice (25 % with three): the state machine rejects it, 409.
    const tooMuch = await post('/v1/rollouts/weather/weight?wait=true', {
      canary: 'weather-tree-v2',
      canaryWeight: 0.3,
    });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ reasonCode: 'WEIGHT_ABOVE_SLICE' });

    // The rolled-back candidate serves nobody any more.
    const variants = new Set<unknown>();
    for (let i = 0; i < 40; i += 1) {
      const res = await fetch(`${router.url}/v1/assign`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ model: 'weather', routingKey: `user-${i}` }),
      });
      variants.add(((await res.json()) as { variant: string }).variant);
    }
    expect(variants.has('weather-mlp-v4')).toBe(false);

    const promoted = await post('/v1/rollouts/weather/promote?wait=true', {
      canary: 'weather-gbm-v3',
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body['state']).toMatchObject({ phase: 'PROMOTED', stable: 'weather-gbm-v3' });
    expect(statusOf(promoted.body)).toEqual({
      'weather-tree-v2': ['ENDED', 0],
      'weather-gbm-v3': ['PROMOTED', 0],
      'weather-mlp-v4': ['ROLLED_BACK', 0],
    });
  });

  it('records a retried requestId once within the window, concurrent retries too; refuses it for another routing key; forgets the oldest past the limit', async () => {
    bed = await routerBed();
    const router = await bed.start({ ROUTER_ASSIGN_RETRY_MAX_REQUESTS: '3' });
    const { catalog } = bed;
    const routed = await routedIds(bed);
    const assign = async (body: object) => {
      const response = await fetch(`${router.url}/v1/assign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const request = (requestId: string, routingKey = `${requestId}-user`) => ({
      model: 'weather',
      routingKey,
      requestId,
      features: '{"temp": 12.5}',
    });

    // A retry after the answer, and three sent at once with a new requestId.
    const first = await assign(request('retry-1'));
    expect(first).toMatchObject({ status: 200, body: { requestId: 'retry-1' } });
    expect(await assign(request('retry-1'))).toEqual(first);
    const together = await Promise.all([1, 2, 3].map(() => assign(request('together-1'))));
    expect(together.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(together[1]).toEqual(together[0]);
    expect(together[2]).toEqual(together[0]);

    // The same requestId for another routing key is another request: refused, not recorded.
    const conflict = await assign(request('retry-1', 'someone-else'));
    expect(conflict).toMatchObject({ status: 409, body: { error: 'conflict' } });
    expect(conflict.body.message).toContain('requestId "retry-1" was assigned');

    // Three more requestIds (the limit is 3) push retry-1 out: its retry is recorded again.
    for (const id of ['other-1', 'other-2', 'other-3']) {
      expect((await assign(request(id))).status).toBe(200);
    }
    expect(await assign(request('retry-1'))).toEqual(first);

    const records = await recordedUpToNow(routed, catalog.routed.name);
    await routed.stop();
    const times = new Map<string, number>();
    for (const r of records) times.set(r.requestId, (times.get(r.requestId) ?? 0) + 1);
    expect(Object.fromEntries(times)).toEqual({
      'retry-1': 2,
      'together-1': 1,
      'other-1': 1,
      'other-2': 1,
      'other-3': 1,
    });

    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(
      /kanary_router_assign_retries_total\{outcome="answered",service="router"\} 3/,
    );
    expect(metrics).toMatch(
      /kanary_router_assign_retries_total\{outcome="conflict",service="router"\} 1/,
    );
  });

  it('groups concurrent assignments into shared produces; every answered one is on inference.routed, exactly once', async () => {
    bed = await routerBed();
    const router = await bed.start({ ROUTER_DEFAULT_VARIANTS: 'grouped=grouped-v1' });
    const { catalog } = bed;
    const routed = await routedIds(bed);
    const CALLERS = 64;
    const PER_CALLER = 40;
    const answered: string[] = [];
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, caller) => {
        for (let i = 0; i < PER_CALLER; i++) {
          const response = await fetch(`${router.url}/v1/assign`, {
            method: 'POST',
            headers: json,
            body: JSON.stringify({ model: 'grouped', routingKey: `u-${caller}-${i}` }),
          });
          expect(response.status).toBe(200);
          answered.push(((await response.json()) as { requestId: string }).requestId);
        }
      }),
    );
    // And one batch call of 200.
    const batch = await fetch(`${router.url}/v1/assign/batch`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        requests: Array.from({ length: 200 }, (_, i) => ({
          model: 'grouped',
          routingKey: `b-${i}`,
        })),
      }),
    });
    const { assignments } = (await batch.json()) as {
      assignments: Array<{ status: number; requestId: string }>;
    };
    expect(assignments.every((a) => a.status === 200)).toBe(true);
    answered.push(...assignments.map((a) => a.requestId));

    const recorded = await recordedUpToNow(routed, catalog.routed.name);
    const ids = recorded.map((r) => r.requestId);
    expect(answered).toHaveLength(CALLERS * PER_CALLER + 200);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual([...answered].sort());
    // Fewer produces than assignments: concurrent calls shared them.
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    const count = Number(
      /^kanary_router_assign_produce_records_count\{[^}]*\} (\d+)/m.exec(metrics)?.[1],
    );
    const sum = Number(
      /^kanary_router_assign_produce_records_sum\{[^}]*\} (\d+)/m.exec(metrics)?.[1],
    );
    expect(sum).toBe(CALLERS * PER_CALLER + 200);
    expect(count).toBeLessThan(CALLERS * PER_CALLER);
  });
});
