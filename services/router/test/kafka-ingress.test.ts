import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import type { InferenceRequest, RoutedRequest } from '@kanary/contracts';
import { DlqHeader, dlqHeader } from '@kanary/kafka';
import { collectMessages, disconnectTestClients, waitFor, wrongKeys } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { command, commandOn, requestsFor, routerBed, type RouterBed } from './router-test-bed.js';

afterAll(disconnectTestClients);

let bed: RouterBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/**
 * Pearson's χ² goodness-of-fit of a canary/stable split against the configured weight (1 degree
 * of freedom); the p-value is the upper tail of the χ² distribution.
 */
function sampleRatioP(canary: number, total: number, weight: number): number {
  const expectedCanary = total * weight;
  const expectedStable = total - expectedCanary;
  const stat =
    (canary - expectedCanary) ** 2 / expectedCanary +
    (total - canary - expectedStable) ** 2 / expectedStable;
  return 1 - chisquareCdf(stat, 1);
}

const servedByTag = (records: readonly RoutedRequest[], tag: string) =>
  records.filter((r) => r.served && r.requestId.startsWith(`${tag}-`));

describe('router Kafka ingress', () => {
  it('follows a SET_WEIGHT promptly; 100,000 requests then split at the new weight', async () => {
    bed = await routerBed();
    const router = await bed.start();
    const routed = await bed.collect(bed.catalog.routed);

    await bed.command(command({ canaryWeight: 0.1 }));
    const started = await waitFor(() => router.rollout('weather'), { timeoutMs: 20_000 });
    await bed.requests(requestsFor(20_000, 'before'));
    await routed.waitFor((rs) => servedByTag(rs, 'before').length >= 20_000, 60_000);

    const issued = Date.now();
    await bed.command(
      commandOn(started, 'SET_WEIGHT', { canaryWeight: 0.3, issuedBy: 'DECISION' }),
    );
    await waitFor(() => router.rollout('weather')?.canaryWeight === 0.3, {
      timeoutMs: 10_000,
      description: 'the SET_WEIGHT to reach the routing table',
    });
    const applyMs = Date.now() - issued;

    const sendStarted = Date.now();
    await bed.requests(requestsFor(100_000, 'after'));
    const produced = Date.now();
    await routed.waitFor((rs) => servedByTag(rs, 'after').length >= 100_000, 120_000);
    const done = Date.now();

    const before = servedByTag(routed.records, 'before');
    const after = servedByTag(routed.records, 'after');
    const canaryShare = (rs: RoutedRequest[]) => rs.filter((r) => r.role === 'CANARY').length;
    expect(before).toHaveLength(20_000);
    expect(after).toHaveLength(100_000);
    expect(new Set(after.map((r) => r.requestId)).size).toBe(100_000);
    expect(sampleRatioP(canaryShare(before), before.length, 0.1)).toBeGreaterThan(0.001);
    expect(sampleRatioP(canaryShare(after), after.length, 0.3)).toBeGreaterThan(0.001);
    // The old split would be rejected outright: the change is visible in the traffic.
    expect(sampleRatioP(canaryShare(after), after.length, 0.1)).toBeLessThan(1e-12);
    expect(after.every((r) => r.rolloutId === 'r1' && r.routedAt >= sendStarted)).toBe(true);
    expect(routed.records.some((r) => !r.served)).toBe(false);
    process.stdout.write(
      `[router] SET_WEIGHT visible to the ingress after ${applyMs} ms; 100,000 requests produced in ` +
        `${produced - sendStarted} ms, routed in ${done - sendStarted} ms ` +
        `(${Math.round(100_000 / ((done - sendStarted) / 1_000))} requests/s end to end)\n`,
    );
  });

  it('copies shadow requests, marked not served, next to the served record', async () => {
    bed = await routerBed();
    const router = await bed.start();
    const routed = await bed.collect(bed.catalog.routed);
    await bed.command(command({ canaryWeight: null, shadows: ['weather-mlp-v3'] }));
    await waitFor(() => router.rollout('weather')?.phase === 'SHADOW', { timeoutMs: 20_000 });
    await bed.requests(requestsFor(200, 'shadow'));
    const records = await routed.waitFor(600, 60_000);

    const byRequest = new Map<string, RoutedRequest[]>();
    for (const r of records) byRequest.set(r.requestId, [...(byRequest.get(r.requestId) ?? []), r]);
    expect(byRequest.size).toBe(200);
    for (const copies of byRequest.values()) {
      expect(copies.map((r) => [r.variant, r.role, r.served]).sort()).toEqual([
        ['weather-logreg-v1', 'STABLE', true],
        ['weather-mlp-v3', 'SHADOW', false],
        ['weather-tree-v2', 'SHADOW', false],
      ]);
      expect(new Set(copies.map((r) => r.features))).toEqual(new Set(['{"temp":12.5}']));
    }
  });

  it('routes models without a rollout to their default variant and dead-letters unknown models', async () => {
    bed = await routerBed();
    await bed.start();
    const routed = await bed.collect(bed.catalog.routed);
    const dlq = await collectMessages(bed.catalog.dlq.name);
    await bed.requests([...requestsFor(5, 'known'), ...requestsFor(3, 'unknown', 'no-such-model')]);

    const records = await routed.waitFor(5, 60_000);
    expect(records.map((r) => [r.variant, r.rolloutId, r.served])).toEqual(
      Array(5).fill(['weather-logreg-v1', null, true]),
    );
    const letters = await dlq.waitFor(3, 60_000);
    await dlq.stop();
    for (const letter of letters) {
      expect(dlqHeader(letter.headers, DlqHeader.errorClass)).toBe('UnknownModelError');
      expect(dlqHeader(letter.headers, DlqHeader.errorMessage)).toContain('no-such-model');
      expect(dlqHeader(letter.headers, DlqHeader.sourceTopic)).toBe(bed.catalog.requests.name);
      const original = await bed.codec.decode(bed.catalog.requests, letter.value);
      expect(original.model).toBe('no-such-model');
    }
    expect(new Set(letters.map((l) => l.key?.toString()))).toEqual(
      new Set(['unknown-0', 'unknown-1', 'unknown-2']),
    );
    expect(routed.records.some((r) => r.model === 'no-such-model')).toBe(false);
  });

  it('dead-letters requests without a key or not keyed by their requestId, with the expected key, counts them and routes the records around them', async () => {
    bed = await routerBed();
    const router = await bed.start();
    const routed = await bed.collect(bed.catalog.routed);
    const dlq = await collectMessages(bed.catalog.dlq.name);
    const [before, mis, after] = [
      requestsFor(2, 'before'),
      requestsFor(1, 'mis-keyed'),
      requestsFor(2, 'after'),
    ];
    const encode = (r: InferenceRequest) => bed!.codec.encode(bed!.catalog.requests, r);
    const wrong = wrongKeys(mis[0]!.requestId);
    // One partition, so that the mis-keyed records sit between correct ones in one batch.
    await bed.send(bed.catalog.requests, [
      ...(await Promise.all(
        before.map(async (r) => ({ key: r.requestId, value: await encode(r), partition: 0 })),
      )),
      ...(await Promise.all(
        wrong.map(async ({ key }) => ({ key, value: await encode(mis[0]!), partition: 0 })),
      )),
      ...(await Promise.all(
        after.map(async (r) => ({ key: r.requestId, value: await encode(r), partition: 0 })),
      )),
    ]);

    const letters = await dlq.waitFor(wrong.length, 60_000);
    const records = await routed.waitFor(before.length + after.length, 60_000);
    expect(records.map((r) => r.requestId).sort()).toEqual(
      [...before, ...after].map((r) => r.requestId).sort(),
    );
    const expected = `the record's requestId "${mis[0]!.requestId}": produce with key = requestId (UTF-8)`;
    expect(
      letters.map((l) => ({
        key: l.key,
        error: dlqHeader(l.headers, DlqHeader.errorClass),
        message: dlqHeader(l.headers, DlqHeader.errorMessage),
        topic: dlqHeader(l.headers, DlqHeader.sourceTopic),
      })),
    ).toEqual([
      {
        key: null,
        error: 'KeyMismatchError',
        message: `the record has no key; expected its requestId "${mis[0]!.requestId}": produce with key = requestId (UTF-8)`,
        topic: bed.catalog.requests.name,
      },
      {
        key: wrong[1]!.key,
        error: 'KeyMismatchError',
        message: `key "another-${mis[0]!.requestId}" is not ${expected}`,
        topic: bed.catalog.requests.name,
      },
      {
        key: wrong[2]!.key,
        error: 'KeyMismatchError',
        message: `key 0x${wrong[2]!.key!.toString('hex')} (${wrong[2]!.key!.length} bytes, not UTF-8 text) is not ${expected}`,
        topic: bed.catalog.requests.name,
      },
    ]);
    for (const letter of letters) {
      expect(await bed.codec.decode(bed.catalog.requests, letter.value)).toEqual(mis[0]);
    }
    // Counted once the letters are committed.
    const counted = `kanary_dlq_records_total{topic="${bed.catalog.requests.name}",error="KeyMismatchError",service="router"} 3`;
    await waitFor(async () => (await router.registry.metrics()).includes(counted), {
      timeoutMs: 10_000,
      description: counted,
    });
  });
});
