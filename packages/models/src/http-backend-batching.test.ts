import { performance } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendResult } from './backend.js';
import { BackendConfigError } from './config-error.js';
import { createHttpBackend } from './http-backend.js';
import type { HttpConfig } from './http-config.js';
import { closeServers, type Received, reply, startServer } from './model-server.fixtures.js';

afterEach(closeServers);

const CLASSES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];

const request = (i: number) => ({
  requestId: `req-${i}`,
  model: 'weather',
  features: { precipitation: i, temp_max: 20, temp_min: 10, wind: 3 },
});

function kserveConfig(baseUrl: string, extra: Partial<HttpConfig> = {}): HttpConfig {
  return {
    kind: 'http',
    endpoint: {
      protocol: 'kserve-v2',
      baseUrl,
      modelName: 'weather-sk-tree',
      batch: { maxRows: 4, callsInFlight: 1 },
      inputs: [{ name: 'x', features: ['precipitation', 'temp_max', 'temp_min', 'wind'] }],
    },
    retry: { retries: 2, minDelayMs: 10, maxDelayMs: 20 },
    ...extra,
  };
}

interface Tensor {
  readonly shape: number[];
  readonly data: number[];
}
const inputOf = (r: Received): Tensor => (r.body as { inputs: Tensor[] }).inputs[0]!;

/**
 * Answers like MLServer's sklearn runtime: a BYTES tensor of shape [n, 1], one class per row,
 * here the class whose index is the row's precipitation modulo 5.
 */
function classPerRow(r: Received): unknown {
  const { shape, data } = inputOf(r);
  const rows = shape[0]!;
  const classes = Array.from({ length: rows }, (_, i) => CLASSES[data[i * 4]! % 5]);
  return { outputs: [{ name: 'predict', datatype: 'BYTES', shape: [rows, 1], data: classes }] };
}

describe('http backend, several rows per KServe v2 call', () => {
  it('sends requests waiting together as rows of one call, at most batch.maxRows each', async () => {
    const server = await startServer((req, res) => reply(res, 200, classPerRow(req)));
    const backend = createHttpBackend(kserveConfig(server.baseUrl));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => backend.predict(request(i))),
    );
    expect(results.map((r) => r.status === 'OK' && r.output)).toEqual(
      Array.from({ length: 10 }, (_, i) => CLASSES[i % 5]),
    );
    expect(server.received.map((r) => inputOf(r).shape)).toEqual([
      [4, 4],
      [4, 4],
      [2, 4],
    ]);
    // Rows keep the requests' order; a batch carries no request id of its own.
    expect(inputOf(server.received[0]!).data).toEqual([
      0, 20, 10, 3, 1, 20, 10, 3, 2, 20, 10, 3, 3, 20, 10, 3,
    ]);
    expect(server.received[0]?.body).not.toHaveProperty('id');
  });

  it('gathers the requests that come while a call is in flight into the next call', async () => {
    const held: Array<() => void> = [];
    const server = await startServer((req, res: ServerResponse) => {
      const answer = () => reply(res, 200, classPerRow(req));
      if (held.length === 0) held.push(answer);
      else answer();
    });
    const backend = createHttpBackend(kserveConfig(server.baseUrl));
    const first = backend.predict(request(0));
    await vi.waitFor(() => expect(server.received).toHaveLength(1));
    const later = [1, 2, 3].map((i) => backend.predict(request(i)));
    // The one call slot is taken: the three wait, together, until the first call is answered.
    held[0]!();
    const results = await Promise.all([first, ...later]);
    expect(results.map((r) => r.status)).toEqual(['OK', 'OK', 'OK', 'OK']);
    expect(server.received.map((r) => inputOf(r).shape)).toEqual([
      [1, 4],
      [3, 4],
    ]);
  });

  it('sends a lone request at once, as one row with its id', async () => {
    const server = await startServer((req, res) => reply(res, 200, classPerRow(req)));
    const result = await createHttpBackend(kserveConfig(server.baseUrl)).predict(request(2));
    expect(result).toMatchObject({ status: 'OK', output: 'rain' });
    expect(server.received[0]?.body).toMatchObject({
      id: 'req-2',
      inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [2, 20, 10, 3] }],
    });
  });

  it('splits per-class scores by row and fails only the row that cannot be read', async () => {
    const server = await startServer((_req, res) =>
      reply(res, 200, {
        outputs: [
          {
            name: 'scores',
            datatype: 'FP32',
            shape: [2, 2],
            data: [
              [0.2, 0.8],
              [0.9, 0.1],
            ],
          },
        ],
      }),
    );
    const config = kserveConfig(server.baseUrl);
    const backend = createHttpBackend({
      ...config,
      endpoint: {
        ...config.endpoint,
        output: { labels: ['dry', 'wet'] },
      } as HttpConfig['endpoint'],
    });
    const [a, b] = await Promise.all([backend.predict(request(0)), backend.predict(request(1))]);
    expect(a).toMatchObject({ status: 'OK', output: 'wet', score: 0.8 });
    expect(b).toMatchObject({ status: 'OK', output: 'dry', score: 0.9 });
  });

  it('fails every row of a response that does not hold one prediction per row', async () => {
    const server = await startServer((_req, res) =>
      reply(res, 200, { outputs: [{ name: 'p', datatype: 'BYTES', shape: [1], data: ['sun'] }] }),
    );
    const backend = createHttpBackend(kserveConfig(server.baseUrl));
    const results = await Promise.all([0, 1, 2].map((i) => backend.predict(request(i))));
    for (const r of results) {
      expect(r).toMatchObject({
        status: 'ERROR',
        error: expect.stringContaining('1 elements for 3 rows'),
      });
    }
  });

  it('refuses batching with an input shape that does not start with one row', () => {
    const config = kserveConfig('http://127.0.0.1:1');
    const bad = {
      ...config,
      endpoint: {
        ...config.endpoint,
        inputs: [{ name: 'x', features: ['precipitation', 'wind'], shape: [2] }],
      },
    } as HttpConfig;
    expect(() => createHttpBackend(bad)).toThrow(BackendConfigError);
    expect(() => createHttpBackend(bad)).toThrow(
      'endpoint.inputs.0.shape: with batch.maxRows above 1, the shape of one row must start with 1',
    );
  });
});

describe('http backend, overloaded server (429, 503)', () => {
  const overload = { minDelayMs: 150, maxDelayMs: 400, factor: 2 };

  it.each([429, 503])(
    'answers %i with ERROR without retrying, and holds off the next call',
    async (status) => {
      const arrivals: number[] = [];
      const server = await startServer((req, res, attempt) => {
        arrivals.push(performance.now());
        if (attempt === 1) reply(res, status, { error: 'too many requests' });
        else reply(res, 200, classPerRow(req));
      });
      const backend = createHttpBackend(
        kserveConfig(server.baseUrl, { overloadBackoff: overload }),
      );
      const first = await backend.predict(request(0));
      expect(first).toMatchObject({
        status: 'ERROR',
        error: expect.stringMatching(new RegExp(`^HTTP ${status} .*backing off 150 ms`)),
      });
      expect(server.received).toHaveLength(1);
      const answeredAt = performance.now();
      expect(await backend.predict(request(3))).toMatchObject({ status: 'OK', output: 'snow' });
      expect(arrivals[1]! - answeredAt).toBeGreaterThanOrEqual(140);
    },
  );

  it('doubles the back-off while the overload lasts, honours Retry-After up to the cap', async () => {
    const server = await startServer((_req, res, attempt) =>
      reply(res, 503, {}, attempt === 3 ? { 'retry-after': '30' } : {}),
    );
    const backend = createHttpBackend(
      kserveConfig(server.baseUrl, { overloadBackoff: overload, timeoutMs: 2_000 }),
    );
    const errors: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const result: BackendResult = await backend.predict(request(i));
      errors.push(result.status === 'ERROR' ? result.error : result.status);
    }
    expect(errors.map((e) => /backing off (\d+) ms/.exec(e)?.[1])).toEqual(['150', '300', '400']);
  });

  it('is TIMEOUT, not stuck, when the back-off outlasts the call deadline', async () => {
    const server = await startServer((_req, res) => reply(res, 503, {}, { 'retry-after': '5' }));
    const backend = createHttpBackend(
      kserveConfig(server.baseUrl, {
        overloadBackoff: { minDelayMs: 100, maxDelayMs: 5_000, factor: 2 },
        timeoutMs: 300,
      }),
    );
    expect(await backend.predict(request(0))).toMatchObject({ status: 'ERROR' });
    expect(await backend.predict(request(1))).toMatchObject({
      status: 'TIMEOUT',
      error: expect.stringContaining('within 300 ms'),
    });
    expect(server.received).toHaveLength(1);
  });
});
