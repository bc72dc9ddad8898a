import { afterEach, describe, expect, it } from 'vitest';
import { start, stateAfter } from '../core/router.fixtures.js';
import { auth, closeHarnesses, harness, post, TOKEN } from './http-api.fixtures.js';

afterEach(closeHarnesses);

describe('POST /v1/assign', () => {
  it('assigns, records the served record and shadow copies for the caller to answer, and answers with the assignment', async () => {
    const { app, book, routed } = harness();
    book.offer(stateAfter(start({ canaryWeight: null, shadows: ['v3'] })));
    const res = await post(app, '/v1/assign', {
      model: 'weather',
      routingKey: 'u1',
      features: { t: 3 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      requestId: 'id-1',
      model: 'weather',
      variant: 'v1',
      role: 'STABLE',
      rolloutId: 'r1',
      shadows: ['v2', 'v3'],
      segment: null,
    });
    expect(routed.map((r) => [r.variant, r.served, r.features, r.dispatch])).toEqual([
      ['v1', true, '{"t":3}', 'CALLER'],
      ['v2', false, '{"t":3}', 'CALLER'],
      ['v3', false, '{"t":3}', 'CALLER'],
    ]);
  });

  it('uses the default variant and the caller requestId', async () => {
    const { app, routed } = harness();
    const res = await post(app, '/v1/assign', { model: 'other', requestId: 'mine' });
    expect(res.json()).toMatchObject({
      requestId: 'mine',
      variant: 'o1',
      rolloutId: null,
      shadows: [],
    });
    expect(routed[0]?.features).toBe('{}');
  });

  it.each([
    {
      name: 'an unknown model',
      body: { model: 'nope' },
      status: 404,
      message: 'no rollout state and no default',
    },
    { name: 'malformed JSON', body: '{"model": ', status: 400, message: 'JSON' },
    {
      name: 'a wrong type',
      body: { model: 'weather', routingKey: 7 },
      status: 400,
      message: 'routingKey',
    },
    { name: 'a missing model', body: { routingKey: 'u' }, status: 400, message: 'model: Required' },
    {
      name: 'an unknown field',
      body: { model: 'weather', modle: 'x' },
      status: 400,
      message: 'modle',
    },
    {
      name: 'features that are not an object',
      body: { model: 'weather', features: [1] },
      status: 400,
      message: 'features',
    },
    {
      // JSON.stringify recurses: nesting thousands deep (a few kB) would overflow the stack.
      name: 'features nested too deep',
      body: `{"model":"weather","features":{"a":${'['.repeat(100)}${']'.repeat(100)}}}`,
      status: 400,
      message: 'features: must not nest deeper than 64 levels',
    },
    { name: 'no body', body: undefined, status: 400, message: 'JSON object' },
    {
      name: 'an oversized body',
      body: { model: 'weather', features: { x: 'y'.repeat(2_000) } },
      status: 413,
      message: '1024 bytes',
    },
  ])('answers $status with a message for $name', async ({ body, status, message }) => {
    const { app, routed } = harness();
    const res = await post(app, '/v1/assign', body);
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toContain(message);
    expect(routed).toEqual([]);
  });

  it('answers 503 until the state is restored', async () => {
    const { app } = harness({ ready: false });
    expect((await post(app, '/v1/assign', { model: 'weather' })).statusCode).toBe(503);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
  });
});

describe('operator endpoints', () => {
  it.each([
    { name: 'no token', headers: {}, status: 401 },
    {
      name: 'a wrong token',
      headers: { authorization: 'Bearer operator-token-0123456780' },
      status: 403,
    },
    { name: 'a wrong scheme', headers: { authorization: `Basic ${TOKEN}` }, status: 401 },
    { name: 'the token', headers: auth, status: 202 },
  ])('answer $status to $name, publishing only with the token', async ({ headers, status }) => {
    const { app, book, commands } = harness();
    book.offer(stateAfter(start()));
    const res = await post(app, '/v1/rollouts/weather/rollback', { reason: 'bad canary' }, headers);
    expect(res.statusCode).toBe(status);
    expect(commands).toHaveLength(status === 202 ? 1 : 0);
    if (status === 401) expect(res.headers['www-authenticate']).toContain('Bearer');
  });

  it('publishes a command with the seq it saw, and never changes the state itself', async () => {
    const { app, book, commands } = harness();
    const before = stateAfter(start());
    book.offer(before);
    const res = await post(app, '/v1/rollouts/weather/pause', undefined, auth);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      commandId: 'id-1',
      action: 'PAUSE',
      basedOnSeq: 1,
      status: 'accepted',
    });
    expect(commands[0]).toMatchObject({
      action: 'PAUSE',
      issuedBy: 'OPERATOR',
      basedOnSeq: 1,
      rolloutId: 'r1',
    });
    expect(book.get('weather')).toBe(before);
  });

  it('?wait=true answers 200 with the applied state, 409 with the rejection', async () => {
    const { app, book } = harness({ apply: true });
    book.offer(stateAfter(start()));
    const applied = await post(app, '/v1/rollouts/weather/rollback?wait=true', {}, auth);
    expect(applied.statusCode).toBe(200);
    expect(applied.json()).toMatchObject({ status: 'applied', state: { phase: 'ROLLED_BACK' } });
    const rejected = await post(app, '/v1/rollouts/weather/pause?wait=true', {}, auth);
    expect(rejected.statusCode).toBe(409);
    expect(rejected.json()).toMatchObject({ status: 'rejected', reasonCode: 'ROLLOUT_FINISHED' });
  });

  it('?wait=true answers 202 pending when no outcome arrives in time', async () => {
    const { app, book } = harness();
    book.offer(stateAfter(start()));
    const res = await post(app, '/v1/rollouts/weather/promote?wait=true', undefined, auth);
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('pending');
  });

  it('starts a rollout from the default variant', async () => {
    const { app, commands } = harness({ apply: true });
    const res = await post(
      app,
      '/v1/rollouts/weather/start?wait=1',
      { canary: 'v2', canaryWeight: 0.1 },
      auth,
    );
    expect(res.statusCode).toBe(200);
    expect(commands[0]).toMatchObject({
      action: 'START',
      stable: 'v1',
      canary: 'v2',
      canaryWeight: 0.1,
      basedOnSeq: null,
    });
    expect(res.json().state).toMatchObject({ phase: 'CANARY', canaryWeight: 0.1 });
  });

  it.each([
    {
      name: 'a weight above 1',
      url: '/v1/rollouts/weather/weight',
      body: { canaryWeight: 2 },
      status: 400,
    },
    {
      name: 'a reason that is not text',
      url: '/v1/rollouts/weather/pause',
      body: { reason: 1 },
      status: 400,
    },
    { name: 'a model without rollout', url: '/v1/rollouts/other/pause', body: {}, status: 404 },
    { name: 'an unknown verb', url: '/v1/rollouts/weather/explode', body: {}, status: 404 },
    { name: 'a bad wait flag', url: '/v1/rollouts/weather/pause?wait=soon', body: {}, status: 400 },
  ])('answers $status to $name', async ({ url, body, status }) => {
    const { app, book, commands } = harness();
    book.offer(stateAfter(start()));
    const res = await post(app, url, body, auth);
    expect(res.statusCode).toBe(status);
    expect(typeof res.json().message).toBe('string');
    expect(commands).toEqual([]);
  });

  it('answers 503 when no operator token is configured', async () => {
    const { app } = harness({ token: null });
    const res = await post(app, '/v1/rollouts/weather/pause', {}, auth);
    expect(res.statusCode).toBe(503);
  });

  it('never logs the token', async () => {
    const { app, book, logs } = harness();
    book.offer(stateAfter(start()));
    await post(app, '/v1/rollouts/weather/pause', {}, auth);
    await post(
      app,
      '/v1/rollouts/weather/pause',
      {},
      { authorization: 'Bearer guessed-token-000000' },
    );
    expect(logs.join('')).toContain('router.operator_command');
    expect(logs.join('')).not.toContain(TOKEN);
    expect(logs.join('')).not.toContain('guessed-token');
  });
});

describe('read and ops endpoints', () => {
  it('lists rollouts and defaults, and 404s a model without one', async () => {
    const { app, book } = harness();
    book.offer(stateAfter(start()));
    const list = await app.inject({ url: '/v1/rollouts' });
    expect(list.json()).toMatchObject({
      rollouts: [{ model: 'weather', phase: 'CANARY' }],
      defaultVariants: { weather: 'v1', other: 'o1' },
    });
    expect((await app.inject({ url: '/v1/rollouts/weather' })).json()).toMatchObject({ seq: 1 });
    const missing = await app.inject({ url: '/v1/rollouts/other' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toContain('default variant "o1"');
  });

  it('serves metrics, health and readiness, and 404s unknown routes', async () => {
    const { app, book } = harness();
    book.offer(stateAfter(start()));
    await post(app, '/v1/assign', { model: 'weather', routingKey: 'u' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(
      /kanary_routed_total\{model="weather",variant="v[12]",role="(STABLE|CANARY)",ingress="http",service="router"\} 1/,
    );
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const unknown = await app.inject({ url: '/v2/nothing' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found' });
  });
});
