import type { Rng } from '@kanary/stats';
import { MODEL } from './canary-scenario.js';
import { OPERATOR_TOKEN, type ServicePipeline } from './service-pipeline.js';

/** One HTTP request of the fuzzing run and the statuses that are acceptable for it. */
export interface HttpCase {
  /** Which endpoint group it exercises (for the report). */
  readonly target: string;
  readonly description: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
  readonly expect: readonly number[];
  /**
   * An error answer must be JSON with a `message` (the router's API); otherwise any answer must
   * be non-empty text.
   */
  readonly json: boolean;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const OPERATOR = { ...JSON_TYPE, authorization: `Bearer ${OPERATOR_TOKEN}` };
/** The router's default body limit is 65,536 bytes. */
const OVERSIZED = JSON.stringify({ model: MODEL, features: { blob: 'x'.repeat(70_000) } });

const MALFORMED = [
  '{"model":',
  '{model:"chaos"}',
  "{'model':'chaos'}",
  '{"model":"chaos",}',
  '{"model":"chaos"}}',
  '[1,2',
  'nul',
  '\u0000',
  '{"model":"\ud800"}x',
];

const MISTYPED: readonly unknown[] = [
  { model: 42 },
  { model: null },
  { model: '' },
  { model: 'm'.repeat(300) },
  { model: MODEL, features: 'temp=3' },
  { model: MODEL, features: '[1, 2]' },
  { model: MODEL, features: [1, 2] },
  { model: MODEL, routingKey: 5 },
  { model: MODEL, requestId: {} },
  { model: MODEL, surprise: true },
  [],
  'chaos',
  123,
  null,
  true,
];

/** `edits` random single-character edits (replace, insert, delete) of `text`. */
function mutate(text: string, rng: Rng, edits: number): string {
  let out = text;
  const alphabet = '{}[]":,\\ abc019-.\u00e9\u0000';
  for (let i = 0; i < edits; i += 1) {
    const at = rng.int(out.length + 1);
    const char = alphabet[rng.int(alphabet.length)]!;
    const op = rng.int(3);
    if (op === 0) out = out.slice(0, at) + char + out.slice(at + 1);
    else if (op === 1) out = out.slice(0, at) + char + out.slice(at);
    else out = out.slice(0, at) + out.slice(at + 1);
  }
  return out;
}

/**
 * Requests no endpoint should answer with a 5xx or a crash: malformed JSON, wrong types,
 * oversized and deeply nested bodies, wrong content types, invalid UTF-8, unknown routes and
 * methods, on the router's assignment and operator API and on every service's ops server; plus
 * seeded random mutations of a valid assignment.
 */
export function httpFuzzCases(pipeline: ServicePipeline, rng: Rng): HttpCase[] {
  const router = pipeline.url('router');
  const cases: HttpCase[] = [];
  const add = (c: HttpCase) => cases.push(c);
  const assign = `${router}/v1/assign`;
  const post = (target: string, url: string, headers = JSON_TYPE) => ({
    target,
    method: 'POST',
    url,
    headers,
    json: true,
  });

  for (const body of MALFORMED) {
    add({ ...post('assign', assign), description: 'malformed JSON', body, expect: [400] });
  }
  for (const value of MISTYPED) {
    add({
      ...post('assign', assign),
      description: 'wrong types',
      body: JSON.stringify(value),
      expect: [400],
    });
  }
  add({
    ...post('assign', assign),
    description: 'unknown model',
    body: '{"model":"nope"}',
    expect: [404],
  });
  add({ ...post('assign', assign), description: 'empty JSON body', body: '', expect: [400] });
  add({ ...post('assign', assign), description: 'oversized', body: OVERSIZED, expect: [413] });
  add({
    ...post('assign', assign),
    description: 'nested 20,000 deep',
    body: `{"model":"${MODEL}","features":{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`,
    expect: [400],
  });
  add({
    ...post('assign', assign, { 'content-type': 'text/plain' }),
    description: 'text/plain',
    body: `{"model":"${MODEL}"}`,
    // fastify parses text/plain as a string, which the schema then refuses.
    expect: [400, 415],
  });
  add({
    ...post('assign', assign),
    description: 'invalid UTF-8',
    body: Uint8Array.from([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    expect: [400],
  });
  for (let i = 0; i < 60; i += 1) {
    const valid = JSON.stringify({
      model: MODEL,
      routingKey: `user-${i}`,
      requestId: `fuzz-http-${i}`,
      features: { trueLabel: 'rain' },
    });
    add({
      ...post('assign', assign),
      description: 'random mutation',
      body: mutate(valid, rng, 1 + rng.int(5)),
      // 409: an edit can turn the requestId into one assigned before with another routing key.
      expect: [200, 400, 404, 409],
    });
  }

  // Operator endpoints, with the right token: nothing here is a valid command.
  const rollout = (verb: string, query = '') => `${router}/v1/rollouts/${MODEL}/${verb}${query}`;
  const operatorBodies: Array<[string, string, number[]]> = [
    ['start', '{"canary":5}', [400]],
    ['start', '{"canary":"v2","canaryWeight":2}', [400]],
    ['start', '{"canary":"v2","shadow":true,"canaryWeight":0.5}', [400]],
    ['start', '{"canary":"v2","surprise":1}', [400]],
    ['weight', '{"canaryWeight":"high"}', [400]],
    ['weight', '{"canaryWeight":-1}', [400]],
    ['weight', '{}', [400]],
    ['weight', '{"canaryWeight":0.5,"stepIndex":1.5}', [400]],
  ];
  for (const verb of ['pause', 'resume', 'promote', 'rollback']) {
    operatorBodies.push([verb, '{"reason":5}', [400]]);
    operatorBodies.push([verb, JSON.stringify({ reason: 'r'.repeat(3_000) }), [400]]);
    operatorBodies.push([verb, '{"surprise":true}', [400]]);
  }
  for (const verb of ['start', 'weight', 'pause', 'resume', 'promote', 'rollback']) {
    operatorBodies.push([verb, '{"reason":', [400]]);
    operatorBodies.push([verb, OVERSIZED, [413]]);
  }
  for (const [verb, body, expect] of operatorBodies) {
    add({
      ...post(`operator ${verb}`, rollout(verb), OPERATOR),
      description: body.slice(0, 40),
      body,
      expect,
    });
  }
  add({
    ...post('operator pause', rollout('pause', '?wait=maybe'), OPERATOR),
    description: 'bad query',
    body: '{}',
    expect: [400],
  });
  add({
    ...post('operator weight', `${router}/v1/rollouts/nope/weight`, OPERATOR),
    description: 'no such rollout',
    body: '{"canaryWeight":0.5}',
    expect: [404],
  });

  // Unknown routes and methods on the router.
  const unknown: Array<[string, string]> = [
    ['GET', '/'],
    ['GET', '/admin'],
    ['POST', '/v1/rollouts'],
    ['DELETE', `/v1/rollouts/${MODEL}`],
    ['PUT', '/metrics'],
    ['GET', '/v1/assign'],
    ['GET', '/v1/rollouts/%00'],
  ];
  for (const [method, path] of unknown) {
    add({
      target: 'router routes',
      description: 'unknown route',
      method,
      url: `${router}${path}`,
      headers: {},
      expect: [404],
      json: true,
    });
  }
  add({
    target: 'router routes',
    description: 'path parameter of 8,000 characters',
    method: 'GET',
    url: `${router}/v1/rollouts/${'z'.repeat(8_000)}`,
    headers: {},
    expect: [414],
    json: true,
  });

  // Ops servers: GET only, fixed paths.
  for (const service of ['model-worker', 'evaluator', 'decision'] as const) {
    const ops = pipeline.url(service);
    const opsCase = (method: string, path: string, expect: number[], body?: string) =>
      add({
        target: `${service} ops`,
        description: `${method} ${path.slice(0, 30)}`,
        method,
        url: `${ops}${path}`,
        headers: body === undefined ? {} : JSON_TYPE,
        ...(body === undefined ? {} : { body }),
        expect,
        json: false,
      });
    opsCase('GET', '/nope', [404]);
    opsCase('GET', '/%00', [404]);
    opsCase('GET', `/${'y'.repeat(8_000)}`, [404]);
    opsCase('POST', '/metrics', [405], '{"reset":true}');
    opsCase('POST', '/healthz', [405], '{"healthy":');
    opsCase('DELETE', '/readyz', [405]);
    opsCase('GET', '/metrics?format=%ZZ', [200]);
  }
  return cases;
}
