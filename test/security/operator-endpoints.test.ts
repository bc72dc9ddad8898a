import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ServiceProcess } from '@kanary/cli/service-process';
import type { RolloutState } from '@kanary/contracts';
import { disconnectTestClients, freePort, testInfra } from '@kanary/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, MODEL, scenarioEnv } from '../support/canary-scenario.js';
import { readCommittedEvents } from '../support/committed-records.js';
import { secretsInLogs } from '../support/log-secrets.js';
import { OPERATOR_TOKEN, ServicePipeline } from '../support/service-pipeline.js';
import { publishSuiteReport } from '../support/suite-report.js';

afterAll(disconnectTestClients);

const BODY_LIMIT = 4_096;
/** The console's fixed body limit. */
const CONSOLE_BODY_LIMIT = 16_384;
const CONSOLE_TOKEN = randomBytes(16).toString('hex');
const WRONG_TOKENS = [
  'wrong-operator-token-91b2',
  OPERATOR_TOKEN.slice(0, -1),
  `${OPERATOR_TOKEN}x`,
];

let pipeline: ServicePipeline;
beforeAll(async () => {
  const infra = testInfra();
  pipeline = await ServicePipeline.create({
    brokers: infra.brokers,
    registryUrl: infra.registryUrl,
    serviceEnv: {
      ...scenarioEnv(),
      // Everything the router logs, requests included, to look for tokens in it.
      router: {
        ...scenarioEnv().router,
        LOG_LEVEL: 'trace',
        ROUTER_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      },
    },
  });
  await pipeline.start('router');
});

afterAll(async () => {
  await pipeline?.stopAll();
  await pipeline?.deleteTopics();
});

const call = (path: string, body: unknown, authorization?: string) =>
  fetch(`${pipeline.url('router')}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** Each operator call, in an order in which every one is legal with the right token. */
const OPERATOR_CALLS: Array<[verb: string, body: object, applied: number]> = [
  ['start', { canary: CANARY, canaryWeight: 0.2 }, 200],
  ['weight', { canaryWeight: 0.4 }, 200],
  ['pause', { reason: 'look at it' }, 200],
  ['resume', {}, 200],
  ['promote', {}, 200],
  // Terminal now: the command is published, and the router rejects it with its reason.
  ['rollback', {}, 409],
];

describe('operator endpoints', () => {
  it('refuse a missing (401) or wrong (403) bearer token, publish nothing for them, and act on the right one; no token reaches the log', async () => {
    const refusals: Array<{ verb: string; authorization: string; status: number }> = [];
    for (const [verb, body, applied] of OPERATOR_CALLS) {
      const path = `/v1/rollouts/${MODEL}/${verb}?wait=true`;
      const attempts: Array<[string | undefined, number]> = [
        [undefined, 401],
        ['', 401],
        [`Basic ${Buffer.from(`admin:${OPERATOR_TOKEN}`).toString('base64')}`, 401],
        ['Bearer', 401],
        [`Token ${OPERATOR_TOKEN}`, 401],
        ...WRONG_TOKENS.map((t): [string, number] => [`Bearer ${t}`, 403]),
      ];
      for (const [authorization, status] of attempts) {
        const response = await call(path, body, authorization);
        const answer = (await response.json()) as { message?: string };
        refusals.push({
          verb,
          authorization: authorization?.split(' ')[0] ?? '(none)',
          status: response.status,
        });
        expect(response.status, `${verb} with ${authorization ?? 'no header'}`).toBe(status);
        expect(answer.message?.length).toBeGreaterThan(10);
        if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      // The scheme is case-insensitive (RFC 7235).
      const scheme = verb === 'resume' ? 'bearer' : 'Bearer';
      const right = await call(path, body, `${scheme} ${OPERATOR_TOKEN}`);
      expect(right.status, `${verb} with the right token: ${await right.clone().text()}`).toBe(
        applied,
      );
    }
    // Reading needs no token.
    const state = (await (
      await fetch(`${pipeline.url('router')}/v1/rollouts/${MODEL}`)
    ).json()) as RolloutState;
    expect(state.phase).toBe('PROMOTED');

    // Only the six calls with the right token were published as commands.
    const commands = await readCommittedEvents(
      pipeline.kafka,
      pipeline.codec,
      pipeline.catalog.commands,
    );
    expect(commands.map((c) => c.action)).toEqual([
      'START',
      'SET_WEIGHT',
      'PAUSE',
      'RESUME',
      'PROMOTE',
      'ROLLBACK',
    ]);
    expect(commands.every((c) => c.issuedBy === 'OPERATOR')).toBe(true);

    const logs = await pipeline.allLogs();
    expect((logs.get('router.log') ?? '').length).toBeGreaterThan(1_000);
    expect(secretsInLogs(logs, [OPERATOR_TOKEN, ...WRONG_TOKENS])).toEqual([]);
    await publishSuiteReport('operator-endpoints', {
      refused: refusals.length,
      byStatus: {
        401: refusals.filter((r) => r.status === 401).length,
        403: refusals.filter((r) => r.status === 403).length,
      },
      accepted: commands.length,
    });
  });

  it('limit request bodies: 413 with a message on every endpoint, with or without a token', async () => {
    const oversized = JSON.stringify({ reason: 'r'.repeat(BODY_LIMIT), model: MODEL });
    const paths = [
      '/v1/assign',
      ...OPERATOR_CALLS.map(([verb]) => `/v1/rollouts/${MODEL}/${verb}`),
    ];
    for (const path of paths) {
      for (const authorization of [undefined, `Bearer ${OPERATOR_TOKEN}`]) {
        const response = await call(path, oversized, authorization);
        expect(response.status, path).toBe(413);
        expect(((await response.json()) as { message: string }).message).toContain(
          `${BODY_LIMIT} bytes`,
        );
      }
    }
    // A body just under the limit is read (and judged on its content).
    const fits = await call('/v1/assign', {
      model: MODEL,
      features: { pad: 'p'.repeat(BODY_LIMIT - 200) },
    });
    expect(fits.status).toBe(200);
  });

  it("the web console's actions refuse a missing or wrong token, limit bodies, and publish only for the right token; no token reaches its log", async () => {
    const infra = testInfra();
    const port = await freePort();
    const consoleProcess = new ServiceProcess(
      'console',
      {
        KAFKA_BROKERS: infra.brokers.join(','),
        SCHEMA_REGISTRY_URL: infra.registryUrl,
        KANARY_TOPIC_PREFIX: pipeline.prefix,
        KANARY_DATA_PARTITIONS: String(pipeline.partitions),
        CONSOLE_HTTP_HOST: '127.0.0.1',
        CONSOLE_HTTP_PORT: String(port),
        CONSOLE_OPERATOR_TOKEN: CONSOLE_TOKEN,
        LOG_LEVEL: 'trace',
      },
      `http://127.0.0.1:${port}/readyz`,
      join(pipeline.logDir, 'console.log'),
    );
    try {
      await consoleProcess.waitReady(120_000);
      const commands = () =>
        readCommittedEvents(pipeline.kafka, pipeline.codec, pipeline.catalog.commands);
      const published = (await commands()).length;
      const action = (verb: string, body: string, authorization?: string) =>
        fetch(`http://127.0.0.1:${port}/api/models/${MODEL}/${verb}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorization === undefined ? {} : { authorization }),
          },
          body,
        });
      const verbs = ['pause', 'resume', 'promote', 'rollback'];
      for (const verb of verbs) {
        for (const [authorization, status] of [
          [undefined, 401],
          ['Bearer', 401],
          [`Bearer ${OPERATOR_TOKEN}`, 403],
          [`Bearer ${CONSOLE_TOKEN}x`, 403],
        ] as const) {
          const response = await action(verb, '{}', authorization);
          expect(response.status, `${verb} with ${authorization ?? 'no header'}`).toBe(status);
        }
        const oversized = JSON.stringify({ reason: 'r'.repeat(CONSOLE_BODY_LIMIT) });
        expect((await action(verb, oversized, `Bearer ${CONSOLE_TOKEN}`)).status).toBe(413);
        // The rollout is finished: published, then refused by the router (409), never 401/403.
        const right = await action(verb, '{}', `Bearer ${CONSOLE_TOKEN}`);
        expect(right.status, `${verb}: ${await right.clone().text()}`).toBe(409);
      }
      expect((await commands()).length).toBe(published + verbs.length);
      await consoleProcess.stop();
      expect(secretsInLogs(await pipeline.allLogs(), [CONSOLE_TOKEN, OPERATOR_TOKEN])).toEqual([]);
    } finally {
      await consoleProcess.stop();
    }
  }, 180_000);
});
