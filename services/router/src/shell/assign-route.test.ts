import type { Registry } from '@kanary/observability';
import { GroupCommitFullError } from '@kanary/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssignAnswer } from '../core/http-schemas.js';
import { RecentAssignments } from '../core/recent-assignments.js';
import { NOW, on, start, stateAfter } from '../core/router.fixtures.js';
import { closeHarnesses, harness, post } from './http-api.fixtures.js';

afterEach(closeHarnesses);

/** The value of `kanary_router_assign_retries_total{outcome}`. */
const retryMetric = async (registry: Registry, outcome: string): Promise<number> => {
  const metric = await registry.getSingleMetric('kanary_router_assign_retries_total')?.get();
  return metric?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
};

describe('POST /v1/assign: features as an object or as JSON text', () => {
  it.each([
    {
      name: 'an object',
      features: { t: 3, city: 'Seattle' },
      recorded: '{"t":3,"city":"Seattle"}',
    },
    // Kept as given: parsing and printing again would round the 20-digit number.
    {
      name: 'JSON text',
      features: '{ "t": 3, "id": 12345678901234567890 }',
      recorded: '{ "t": 3, "id": 12345678901234567890 }',
    },
    { name: 'the text of an empty object', features: '{}', recorded: '{}' },
    { name: 'nothing', features: undefined, recorded: '{}' },
  ])('records $name as JSON text', async ({ features, recorded }) => {
    const { app, routed } = harness();
    const res = await post(app, '/v1/assign', { model: 'other', features });
    expect(res.statusCode).toBe(200);
    expect(routed.map((r) => r.features)).toEqual([recorded]);
  });

  it.each([
    {
      name: 'text that is not JSON',
      features: 'temp=3',
      message: /^features: must be a JSON object or JSON text of one: .*JSON/,
    },
    {
      name: 'JSON text of an array',
      features: '[1, 2]',
      message: /^features: must be JSON text of an object/,
    },
    {
      name: 'JSON text of a string',
      features: '"x"',
      message: /^features: must be JSON text of an object/,
    },
    {
      name: 'JSON text of null',
      features: 'null',
      message: /^features: must be JSON text of an object/,
    },
    {
      name: 'JSON text nested too deep',
      features: `{"a":${'['.repeat(300)}${']'.repeat(300)}}`,
      message: /^features: must not nest deeper than 64 levels$/,
    },
    {
      name: 'a number',
      features: 3,
      message: /^features: must be a JSON object or JSON text of one$/,
    },
    {
      name: 'null',
      features: null,
      message: /^features: must be a JSON object or JSON text of one$/,
    },
  ])(
    'answers 400 to $name, naming the field, and records nothing',
    async ({ features, message }) => {
      const { app, routed } = harness();
      const res = await post(app, '/v1/assign', { model: 'other', features });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        error: 'bad_request',
        message: expect.stringMatching(message),
      });
      expect(routed).toEqual([]);
    },
  );
});

describe('POST /v1/assign: a retried requestId within the window', () => {
  const body = { model: 'weather', routingKey: 'u1', requestId: 'req-1', features: { t: 1 } };

  it('answers as the first time and records once, until the window ends', async () => {
    let now = NOW;
    const { app, book, routed, registry } = harness({
      clock: () => now,
      retry: { windowMs: 60_000, maxRequests: 100 },
    });
    book.offer(stateAfter(start({ canaryWeight: 0.5, shadows: ['v3'] })));
    const first = await post(app, '/v1/assign', body);
    expect(first.statusCode).toBe(200);
    expect(routed).toHaveLength(2);

    now = NOW + 59_999;
    // A retry's features are not looked at: the first request's are the ones recorded.
    const retry = await post(app, '/v1/assign', { ...body, features: '{"t":2}' });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(routed).toHaveLength(2);
    expect(await retryMetric(registry, 'answered')).toBe(1);

    now = NOW + 60_000;
    const late = await post(app, '/v1/assign', body);
    expect(late.json()).toEqual(first.json());
    expect(routed.map((r) => [r.requestId, r.served, r.routedAt])).toEqual([
      ['req-1', true, NOW],
      ['req-1', false, NOW],
      ['req-1', true, NOW + 60_000],
      ['req-1', false, NOW + 60_000],
    ]);
  });

  it('gives the first answer even after the rollout changed', async () => {
    const { app, book, routed } = harness();
    const begin = start();
    const started = stateAfter(begin);
    book.offer(started);
    const first = await post(app, '/v1/assign', body);
    book.offer(stateAfter(begin, on(started, 'PROMOTE')));
    const fresh = await post(app, '/v1/assign', { ...body, requestId: 'req-2' });
    expect(fresh.json()).toMatchObject({ variant: 'v2', role: 'STABLE' });
    expect(fresh.json()).not.toMatchObject({
      variant: first.json().variant,
      role: first.json().role,
    });
    expect((await post(app, '/v1/assign', body)).json()).toEqual(first.json());
    expect(routed.map((r) => r.requestId)).toEqual(['req-1', 'req-2']);
  });

  it('makes a retry that arrives while the first is being recorded wait for it, and records once', async () => {
    /** Counts lookups, to know when the retries are waiting. */
    class CountedLookups extends RecentAssignments<Promise<AssignAnswer>> {
      lookups = 0;
      override lookup(...args: Parameters<RecentAssignments<Promise<AssignAnswer>>['lookup']>) {
        this.lookups += 1;
        return super.lookup(...args);
      }
    }
    const recentAssignments = new CountedLookups({ windowMs: 60_000, maxRequests: 100 });
    const pending: Array<() => void> = [];
    const { app, routed } = harness({
      recentAssignments,
      publishRouted: (records, into) =>
        new Promise<void>((resolve) => {
          pending.push(() => {
            into.push(...records);
            resolve();
          });
        }),
    });
    const first = post(app, '/v1/assign', body);
    await expect.poll(() => pending.length).toBe(1);
    const retries = [post(app, '/v1/assign', body), post(app, '/v1/assign', body)];
    await expect.poll(() => recentAssignments.lookups).toBe(3);
    expect(routed).toEqual([]);
    pending[0]!();
    const answers = await Promise.all([first, ...retries]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(routed).toHaveLength(1);
    expect(pending).toHaveLength(1);
  });

  it('routes a retry anew when the first recording failed', async () => {
    let failures = 1;
    const { app, routed } = harness({
      publishRouted: async (records, into) => {
        if (failures-- > 0) throw Object.assign(new Error('broker down'), { retriable: true });
        into.push(...records);
      },
    });
    expect((await post(app, '/v1/assign', body)).statusCode).toBe(503);
    expect(routed).toEqual([]);
    expect((await post(app, '/v1/assign', body)).statusCode).toBe(200);
    expect(routed).toHaveLength(1);
  });

  it.each([
    { name: 'another routing key', change: { routingKey: 'u2' } },
    { name: 'no routing key', change: { routingKey: null } },
    { name: 'another model', change: { model: 'other' } },
  ])('refuses the same requestId with $name: 409, nothing recorded', async ({ change }) => {
    const { app, routed, registry } = harness();
    expect((await post(app, '/v1/assign', body)).statusCode).toBe(200);
    const res = await post(app, '/v1/assign', { ...body, ...change });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringContaining(
        'requestId "req-1" was assigned 0 s ago for model "weather" and routingKey "u1"',
      ),
    });
    expect(routed).toHaveLength(1);
    expect(await retryMetric(registry, 'conflict')).toBe(1);
  });

  it('records every request without a requestId, and every retry when the window is off', async () => {
    const { app, routed } = harness({ retry: { windowMs: 0, maxRequests: 100 } });
    await post(app, '/v1/assign', { model: 'other' });
    await post(app, '/v1/assign', { model: 'other' });
    await post(app, '/v1/assign', { model: 'other', requestId: 'r' });
    await post(app, '/v1/assign', { model: 'other', requestId: 'r' });
    expect(routed.map((r) => r.requestId)).toEqual(['id-1', 'id-2', 'r', 'r']);
  });
});

describe('POST /v1/assign/batch', () => {
  it('assigns many in one produce, each answered in order on its own', async () => {
    const produces: number[] = [];
    const { app, routed } = harness({
      publishRouted: (records, into) => {
        produces.push(records.length);
        into.push(...records);
        return Promise.resolve();
      },
    });
    const res = await post(app, '/v1/assign/batch', {
      requests: [
        { model: 'weather', routingKey: 'u1', requestId: 'b-1' },
        { model: 'nope', routingKey: 'u2' },
        { routingKey: 'u3' },
        { model: 'other', routingKey: 'u4' },
        { model: 'weather', routingKey: 'u1', requestId: 'b-1' },
        { model: 'weather', routingKey: 'u9', requestId: 'b-1' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const { assignments } = res.json<{ assignments: Array<Record<string, unknown>> }>();
    expect(assignments.map((a) => a.status)).toEqual([200, 404, 400, 200, 200, 409]);
    expect(assignments[0]).toMatchObject({ requestId: 'b-1', model: 'weather', variant: 'v1' });
    expect(assignments[1]).toMatchObject({ error: 'unknown_model' });
    expect(assignments[2]).toMatchObject({
      error: 'bad_request',
      message: expect.stringMatching(/model/),
    });
    expect(assignments[3]).toMatchObject({ model: 'other', variant: 'o1' });
    // The same requestId again in the batch: the first answer, recorded once.
    expect(assignments[4]).toEqual(assignments[0]);
    expect(produces).toEqual([2]);
    expect(routed.map((r) => r.requestId)).toEqual(['b-1', assignments[3]!.requestId]);
  });

  it.each([
    ['no requests', { requests: [] }],
    ['too many', { requests: Array.from({ length: 1_001 }, () => ({ model: 'weather' })) }],
    ['another field', { requests: [{ model: 'weather' }], extra: 1 }],
  ])('refuses a batch with %s: 400, nothing recorded', async (_label, payload) => {
    const { app, routed } = harness();
    // Large enough for 1,001 small requests.
    const res = await app.inject({
      method: 'POST',
      url: '/v1/assign/batch',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
    expect([400, 413]).toContain(res.statusCode);
    expect(res.json()).toMatchObject({ error: expect.any(String) });
    expect(routed).toEqual([]);
  });
});

describe('POST /v1/assign under back-pressure', () => {
  it('answers 503 with Retry-After when too many records wait to be produced, and counts it', async () => {
    const { app, routed, registry } = harness({
      publishRouted: () => Promise.reject(new GroupCommitFullError('20000 items are waiting')),
    });
    const res = await post(app, '/v1/assign', { model: 'weather', routingKey: 'u1' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ error: 'overloaded' });
    const batch = await post(app, '/v1/assign/batch', { requests: [{ model: 'weather' }] });
    expect(batch.statusCode).toBe(503);
    expect(routed).toEqual([]);
    const overloads = await registry
      .getSingleMetric('kanary_router_assign_overloaded_total')
      ?.get();
    expect(overloads?.values[0]?.value).toBe(2);
  });
});
