/**
 * The in-process assigner (`@kanary/assigner`) against the router on the real broker: the same
 * answer for 100,000 routing keys before and after a weight change, and every assignment it
 * answered recorded on `inference.routed` once flushed.
 */
import { InProcessAssigner, UnknownModelError, type AssignAnswer } from '@kanary/assigner';
import { createLogger } from '@kanary/observability';
import {
  connectedAdmin,
  disconnectTestClients,
  kafkaForTests,
  testInfra,
  waitFor,
} from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Router } from '../src/index.js';
import { OPERATOR_TOKEN, routerBed, type RouterBed } from './router-test-bed.js';

afterAll(disconnectTestClients);

let bed: RouterBed | undefined;
let assigner: InProcessAssigner | undefined;
afterEach(async () => {
  await assigner?.stop();
  assigner = undefined;
  await bed?.close();
  bed = undefined;
});

const KEYS = 100_000;
const BATCH = 1_000;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_TOKEN}` };

/** The router's answers for keys `user-0` … `user-(KEYS-1)`, through `/v1/assign/batch`. */
async function routerAnswers(router: Router): Promise<AssignAnswer[]> {
  const answers: AssignAnswer[] = [];
  for (let from = 0; from < KEYS; from += BATCH) {
    const requests = Array.from({ length: BATCH }, (_, i) => ({
      model: 'weather',
      routingKey: `user-${from + i}`,
    }));
    const response = await fetch(`${router.url}/v1/assign/batch`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ requests }),
    });
    expect(response.status).toBe(200);
    const { assignments } = (await response.json()) as {
      assignments: Array<AssignAnswer & { status: number }>;
    };
    for (const { status, ...answer } of assignments) {
      expect(status).toBe(200);
      answers.push(answer);
    }
  }
  return answers;
}

/** What an answer says about routing (the requestIds differ: each side generates its own). */
const routing = (a: AssignAnswer) => `${a.variant}|${a.role}|${a.rolloutId}|${a.shadows.join(',')}`;

async function routedRecords(topic: string): Promise<number> {
  const admin = await connectedAdmin();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

describe('in-process assigner', () => {
  it('agrees with the router on 100,000 routing keys across a weight change, and records every assignment it answered', async () => {
    bed = await routerBed();
    const router = await bed.start({ ROUTER_BODY_LIMIT_BYTES: String(1 << 20) });
    const post = (path: string, body: object) =>
      fetch(`${router.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(
      (
        await post('/v1/rollouts/weather/start?wait=true', {
          canary: 'weather-tree-v2',
          canaryWeight: 0.2,
        })
      ).status,
    ).toBe(200);

    assigner = await InProcessAssigner.start({
      kafka: kafkaForTests(),
      registryUrl: testInfra().registryUrl,
      topicPrefix: bed.prefix,
      defaultVariants: { weather: 'weather-logreg-v1' },
      logger: createLogger({ service: 'assigner', level: 'silent' }),
    });
    const local = assigner;
    const seqOf = () => router.rollout('weather')?.seq;
    await waitFor(() => local.rollout('weather')?.seq === seqOf(), { timeoutMs: 30_000 });
    expect(() => local.assign({ model: 'nothing-here' })).toThrow(UnknownModelError);

    const compare = async () => {
      const remote = await routerAnswers(router);
      const mine = Array.from({ length: KEYS }, (_, i) =>
        local.assign({ model: 'weather', routingKey: `user-${i}`, features: { temp: i } }),
      );
      const differing = mine.filter((a, i) => routing(a) !== routing(remote[i]!)).length;
      expect(differing).toBe(0);
      return mine;
    };
    const before = await compare();
    const canaryShare = before.filter((a) => a.role === 'CANARY').length / KEYS;
    expect(canaryShare).toBeGreaterThan(0.18);
    expect(canaryShare).toBeLessThan(0.22);

    expect(
      (await post('/v1/rollouts/weather/weight?wait=true', { canaryWeight: 0.5 })).status,
    ).toBe(200);
    await waitFor(() => local.rollout('weather')?.canaryWeight === 0.5, { timeoutMs: 30_000 });
    const after = await compare();
    // Sticky: raising the canary's weight moves users onto it, never off it.
    const movedOff = before.filter((a, i) => a.role === 'CANARY' && after[i]!.role !== 'CANARY');
    expect(movedOff).toHaveLength(0);

    // Every answered assignment is on the topic once flushed (one record each: no shadows).
    await local.flush();
    expect(local.stats).toMatchObject({ assigned: 2 * KEYS, recorded: 2 * KEYS });
    // The router recorded its own 2 × KEYS through the batch endpoint.
    expect(await routedRecords(bed.catalog.routed.name)).toBe(4 * KEYS);
  });
});
