import type { InferenceRequest, RoutedRequest } from '@kanary/contracts';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { command, routerBed, type RouterBed } from './router-test-bed.js';

afterAll(disconnectTestClients);

let bed: RouterBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** Request i's region: a name, a number, or none at all. */
const regions = ['north', 'south', 3, undefined] as const;
const segmentOf = (i: number): string | null => {
  const region = regions[i % regions.length];
  return region === undefined ? null : String(region);
};

function requests(n: number): InferenceRequest[] {
  const timestamp = Date.now();
  return Array.from({ length: n }, (_, i) => ({
    requestId: `seg-${i}`,
    model: 'weather',
    routingKey: `seg-user-${i}`,
    features: JSON.stringify({ temp: 12.5, region: regions[i % regions.length] }),
    timestamp,
  }));
}

describe('router segments', () => {
  it("tags routed records and /v1/assign answers with the segment feature the rollout's policy names", async () => {
    bed = await routerBed();
    const router = await bed.start();
    const routed = await bed.collect(bed.catalog.routed);
    await bed.command(
      command({
        canaryWeight: 0.5,
        shadows: ['weather-mlp-v3'],
        policy: JSON.stringify({ segments: { feature: 'region' } }),
      }),
    );
    await waitFor(() => router.rollout('weather')?.phase === 'CANARY', { timeoutMs: 20_000 });

    // The Kafka ingress: every record, served and shadow copy, carries its request's segment.
    await bed.requests(requests(200));
    const records = await routed.waitFor(400, 60_000);
    expect(records).toHaveLength(400);
    for (const r of records) {
      expect(r.segment, r.requestId).toBe(segmentOf(Number(r.requestId.slice(4))));
    }
    expect(new Set(records.map((r) => r.segment))).toEqual(new Set(['north', 'south', '3', null]));

    // The HTTP API answers the segment, for a caller to put on its Prediction, and records it.
    const response = await fetch(`${router.url}/v1/assign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'weather',
        requestId: 'http-seg',
        routingKey: 'u-1',
        features: { region: 'east', temp: 3 },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      requestId: 'http-seg',
      rolloutId: 'r1',
      shadows: ['weather-mlp-v3'],
      segment: 'east',
    });
    const all = await routed.waitFor(402, 30_000);
    const assigned = all.filter((r: RoutedRequest) => r.requestId === 'http-seg');
    expect(assigned.map((r) => [r.served, r.dispatch, r.segment])).toEqual([
      [true, 'CALLER', 'east'],
      [false, 'CALLER', 'east'],
    ]);
  });
});
