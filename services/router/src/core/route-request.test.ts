import type { InferenceRequest } from '@kanary/contracts';
import { bucketOf, createRoutingTable } from '@kanary/rollout';
import { describe, expect, it } from 'vitest';
import { routeRequest } from '@kanary/rollout';
import { NOW, on, start, stateAfter } from './router.fixtures.js';

const request = (overrides: Partial<InferenceRequest> = {}): InferenceRequest => ({
  requestId: 'req-1',
  model: 'weather',
  routingKey: 'user-7',
  features: '{"t":1}',
  timestamp: NOW - 100,
  ...overrides,
});

describe('routeRequest', () => {
  it('routes to the default variant when the model has no rollout', () => {
    const outcome = routeRequest(
      createRoutingTable([], { weather: 'v0' }),
      request(),
      NOW,
      'WORKER',
    );
    expect(outcome).toEqual({
      kind: 'routed',
      records: [
        {
          ...request(),
          rolloutId: null,
          variant: 'v0',
          role: 'STABLE',
          served: true,
          routedAt: NOW,
          dispatch: 'WORKER',
          segment: null,
        },
      ],
    });
  });

  it('sends the canary a served record in canary mode when the bucket is below the weight', () => {
    const state = stateAfter(start({ canaryWeight: 1, shadows: ['v3'] }));
    const outcome = routeRequest(createRoutingTable([state]), request(), NOW, 'WORKER');
    expect(
      outcome.kind === 'routed' && outcome.records.map((r) => [r.variant, r.role, r.served]),
    ).toEqual([
      ['v2', 'CANARY', true],
      ['v3', 'SHADOW', false],
    ]);
  });

  it('copies the request to the canary in shadow mode, marked not served', () => {
    const state = stateAfter(start({ canaryWeight: null }));
    const outcome = routeRequest(createRoutingTable([state]), request(), NOW, 'WORKER');
    expect(outcome.kind).toBe('routed');
    if (outcome.kind !== 'routed') return;
    expect(outcome.records.map((r) => [r.variant, r.role, r.served, r.rolloutId])).toEqual([
      ['v1', 'STABLE', true, 'r1'],
      ['v2', 'SHADOW', false, 'r1'],
    ]);
    expect(new Set(outcome.records.map((r) => r.requestId))).toEqual(new Set(['req-1']));
  });

  it('splits by the sticky bucket of the routing key', () => {
    const state = stateAfter(start({ canaryWeight: 0.5 }));
    const table = createRoutingTable([state]);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const outcome = routeRequest(table, request({ routingKey: key }), NOW, 'WORKER');
      const expected = bucketOf(key, 'r1') < 5_000 ? 'v2' : 'v1';
      expect(outcome.kind === 'routed' && outcome.records[0]?.variant).toBe(expected);
    }
  });

  it('serves everything from the stable after a rollback', () => {
    const canary = stateAfter(start({ canaryWeight: 1 }));
    const back = stateAfter(start({ canaryWeight: 1, commandId: 'x' }), on(canary, 'ROLLBACK'));
    const outcome = routeRequest(createRoutingTable([back]), request(), NOW, 'WORKER');
    expect(outcome.kind === 'routed' && outcome.records).toMatchObject([
      { variant: 'v1', role: 'STABLE', served: true, rolloutId: null },
    ]);
  });

  it('marks every record, shadow copies included, with who answers it', () => {
    const state = stateAfter(start({ canaryWeight: 0.5, shadows: ['v3'] }));
    const table = createRoutingTable([state]);
    for (const dispatch of ['WORKER', 'CALLER'] as const) {
      const outcome = routeRequest(table, request(), NOW, dispatch);
      expect(outcome.kind === 'routed' && outcome.records.map((r) => r.dispatch)).toEqual([
        dispatch,
        dispatch,
      ]);
    }
  });

  it('names the model and the missing configuration for an unknown model', () => {
    const outcome = routeRequest(createRoutingTable([], { other: 'o' }), request(), NOW, 'WORKER');
    expect(outcome).toMatchObject({ kind: 'unknown-model', model: 'weather' });
    expect(outcome.kind === 'unknown-model' && outcome.reason).toContain('ROUTER_DEFAULT_VARIANTS');
  });
});
