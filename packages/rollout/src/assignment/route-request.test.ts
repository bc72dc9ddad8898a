import type { InferenceRequest } from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { RolloutAction } from '@kanary/contracts';
import { applyAll, commandOn, NOW, startCommand } from '../state-machine/rollout.fixtures.js';
import type { RolloutState } from '../state-machine/rollout-state.js';
import { answerOf, routeRequest } from './route-request.js';
import { createRoutingTable } from './routing-table.js';

const request = (features: string, requestId = 'req-1'): InferenceRequest => ({
  requestId,
  model: 'churn',
  routingKey: `user-${requestId}`,
  features,
  timestamp: NOW - 100,
});

/** A live canary rollout of `churn` at 50 % with shadow v3, started with `policy`. */
const started = (policy: object | null): RolloutState =>
  applyAll(
    undefined,
    startCommand({ canaryWeight: 0.5, policy: policy === null ? null : JSON.stringify(policy) }),
  );

const segmentsOf = (outcome: ReturnType<typeof routeRequest>) =>
  outcome.kind === 'routed' ? outcome.records.map((r) => r.segment) : outcome.reason;

describe('routeRequest segments', () => {
  const bySeason = createRoutingTable([started({ segments: { feature: 'season' } })]);

  it('tags the served record and every shadow copy with the segment feature of the policy', () => {
    const outcome = routeRequest(bySeason, request('{"season":"spring","t":1}'), NOW, 'WORKER');
    expect(segmentsOf(outcome)).toEqual(['spring', 'spring']);
    expect(outcome.kind === 'routed' && answerOf(outcome.records).segment).toBe('spring');
  });

  it.each<[string, string, string | null]>([
    ['a number', '{"season":3}', '3'],
    ['a boolean', '{"season":true}', 'true'],
    ['a missing feature', '{"t":1}', null],
    ['a null feature', '{"season":null}', null],
    ['an object', '{"season":{"name":"spring"}}', null],
  ])('tags %s as its text, or null', (_name, features, segment) => {
    const outcome = routeRequest(bySeason, request(features), NOW, 'CALLER');
    expect(segmentsOf(outcome)).toEqual([segment, segment]);
  });

  it('leaves the segment null when the policy names no feature, or the rollout has no policy', () => {
    for (const table of [
      createRoutingTable([started({ segments: { minSamples: 50 } })]),
      createRoutingTable([started(null)]),
    ]) {
      expect(table.segmentFeatures.size).toBe(0);
      const outcome = routeRequest(table, request('{"season":"spring"}'), NOW, 'WORKER');
      expect(segmentsOf(outcome)).toEqual([null, null]);
    }
  });

  it('leaves the segment null outside a live rollout: a default variant, a finished rollout', () => {
    const defaults = createRoutingTable([], { churn: 'v0' });
    expect(
      segmentsOf(routeRequest(defaults, request('{"season":"spring"}'), NOW, 'WORKER')),
    ).toEqual([null]);
    const live = started({ segments: { feature: 'season' } });
    const table = createRoutingTable([applyAll(live, commandOn(live, RolloutAction.ROLLBACK))]);
    expect(table.segmentFeatures.get('churn')).toBe('season');
    const outcome = routeRequest(table, request('{"season":"spring"}'), NOW, 'WORKER');
    expect(outcome).toMatchObject({
      kind: 'routed',
      records: [{ rolloutId: null, segment: null }],
    });
  });

  it("takes the feature from the installation's default policy when the rollout's names none", () => {
    const defaults = { segments: { feature: 'region' } };
    const table = createRoutingTable([started(null)], {}, defaults);
    expect(table.segmentFeatures.get('churn')).toBe('region');
    const own = createRoutingTable([started({ segments: { feature: 'season' } })], {}, defaults);
    expect(own.segmentFeatures.get('churn')).toBe('season');
    const outcome = routeRequest(
      table,
      request('{"region":"eu","season":"spring"}'),
      NOW,
      'WORKER',
    );
    expect(segmentsOf(outcome)).toEqual(['eu', 'eu']);
  });

  it('reads the feature once per table, trimmed as the policy schema trims it', () => {
    const table = createRoutingTable([
      { ...started(null), policy: '{"segments":{"feature":" season "}}' },
      { ...started(null), model: 'other', policy: '{"segments":{"feature":7}}' },
    ]);
    expect([...table.segmentFeatures]).toEqual([['churn', 'season']]);
  });
});
