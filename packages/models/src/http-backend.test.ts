import { afterEach, describe, expect, it } from 'vitest';
import { BackendConfigError } from './config-error.js';
import { createHttpBackend } from './http-backend.js';
import type { HttpConfig } from './http-config.js';
import { closeServers, reply, startServer } from './model-server.fixtures.js';

afterEach(closeServers);

const FEATURES = {
  date: '2015-06-01',
  precipitation: 0,
  temp_max: 22.5,
  temp_min: 11,
  wind: 3.1,
  station: 'SEA',
};
const REQUEST = { requestId: 'req-42', model: 'weather', features: FEATURES };
const fastRetry = { retries: 2, minDelayMs: 10, maxDelayMs: 20 };

function jsonConfig(url: string, extra: Partial<HttpConfig> = {}): HttpConfig {
  return {
    kind: 'http',
    endpoint: { protocol: 'json', url, outputPath: 'prediction' },
    retry: fastRetry,
    ...extra,
  };
}

describe('http backend, KServe v2 protocol', () => {
  it('sends the mapped input tensors and reads the arg-max class with its probability', async () => {
    const server = await startServer((_req, res) =>
      reply(res, 200, {
        model_name: 'weather-xgb',
        outputs: [
          {
            name: 'probabilities',
            shape: [1, 5],
            datatype: 'FP32',
            data: [[0.05, 0.1, 0.15, 0.0, 0.7]],
          },
        ],
      }),
    );
    const backend = createHttpBackend({
      kind: 'http',
      endpoint: {
        protocol: 'kserve-v2',
        baseUrl: `${server.baseUrl}/`,
        modelName: 'weather-xgb',
        inputs: [
          {
            name: 'measurements',
            datatype: 'FP32',
            features: ['precipitation', 'temp_max', 'temp_min', 'wind'],
          },
          { name: 'station', datatype: 'BYTES', features: ['station'], shape: [1] },
        ],
        output: { name: 'probabilities', labels: ['drizzle', 'fog', 'rain', 'snow', 'sun'] },
      },
    });
    expect(await backend.predict(REQUEST)).toEqual({
      status: 'OK',
      output: 'sun',
      score: 0.7,
      scores: null,
      simulatedLatencyMs: 0,
    });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({
      method: 'POST',
      url: '/v2/models/weather-xgb/infer',
      body: {
        id: 'req-42',
        inputs: [
          { name: 'measurements', shape: [1, 4], datatype: 'FP32', data: [0, 22.5, 11, 3.1] },
          { name: 'station', shape: [1], datatype: 'BYTES', data: ['SEA'] },
        ],
      },
    });
  });

  it('returns ERROR without calling the server when a mapped feature is missing', async () => {
    const server = await startServer((_req, res) => reply(res, 200, {}));
    const backend = createHttpBackend({
      kind: 'http',
      endpoint: {
        protocol: 'kserve-v2',
        baseUrl: server.baseUrl,
        inputs: [{ name: 'x', features: ['humidity'] }],
      },
    });
    expect(await backend.predict(REQUEST)).toMatchObject({
      status: 'ERROR',
      error: 'feature humidity is missing',
    });
    expect(server.received).toHaveLength(0);
  });
});

describe('http backend, plain JSON protocol', () => {
  it('posts the features and reads output and score at the configured paths', async () => {
    const server = await startServer((_req, res) =>
      reply(res, 200, { result: { label: 'fog', confidence: 0.64 } }),
    );
    const backend = createHttpBackend({
      kind: 'http',
      endpoint: {
        protocol: 'json',
        url: `${server.baseUrl}/predict`,
        outputPath: 'result.label',
        scorePath: 'result.confidence',
      },
      headers: { authorization: 'Bearer test-token' },
    });
    expect(await backend.predict(REQUEST)).toEqual({
      status: 'OK',
      output: 'fog',
      score: 0.64,
      scores: null,
      simulatedLatencyMs: 0,
    });
    expect(server.received[0]).toMatchObject({ method: 'POST', url: '/predict', body: FEATURES });
    expect(server.received[0]?.headers).toMatchObject({
      authorization: 'Bearer test-token',
      'content-type': 'application/json',
    });
  });

  it('returns ERROR when the output field is absent', async () => {
    const server = await startServer((_req, res) => reply(res, 200, { label: 'fog' }));
    expect(await createHttpBackend(jsonConfig(server.baseUrl)).predict(REQUEST)).toMatchObject({
      status: 'ERROR',
      error: expect.stringContaining('response has no prediction'),
    });
  });
});

describe('http backend retries and deadlines', () => {
  it('retries a 500 and succeeds on the next attempt', async () => {
    const server = await startServer((_req, res, attempt) =>
      attempt === 1
        ? reply(res, 500, { error: 'warming up' })
        : reply(res, 200, { prediction: 12.5 }),
    );
    expect(await createHttpBackend(jsonConfig(server.baseUrl)).predict(REQUEST)).toEqual({
      status: 'OK',
      output: '12.5',
      score: 12.5,
      scores: null,
      simulatedLatencyMs: 0,
    });
    expect(server.received).toHaveLength(2);
  });

  it('gives up after the configured retries of 5xx responses', async () => {
    const server = await startServer((_req, res) => reply(res, 502, { error: 'bad gateway' }));
    const result = await createHttpBackend(jsonConfig(server.baseUrl)).predict(REQUEST);
    expect(result).toMatchObject({ status: 'ERROR', error: expect.stringContaining('HTTP 502') });
    expect(server.received).toHaveLength(1 + fastRetry.retries);
  });

  it('does not retry a 4xx response', async () => {
    const server = await startServer((_req, res) => reply(res, 422, { error: 'bad input' }));
    const result = await createHttpBackend(jsonConfig(server.baseUrl)).predict(REQUEST);
    expect(result).toMatchObject({ status: 'ERROR', error: expect.stringContaining('HTTP 422') });
    expect(result.status === 'ERROR' && result.error).toContain('bad input');
    expect(server.received).toHaveLength(1);
  });

  it('reports TIMEOUT when the server does not answer within timeoutMs', async () => {
    const server = await startServer(() => {
      // Never answers; the connection is closed when the test's server shuts down.
    });
    const result = await createHttpBackend(jsonConfig(server.baseUrl, { timeoutMs: 200 })).predict(
      REQUEST,
    );
    expect(result).toMatchObject({ status: 'TIMEOUT', error: expect.stringContaining('200 ms') });
    expect(server.received).toHaveLength(1);
  });

  it("reports TIMEOUT when the caller's timeout signal fires, and rejects on cancellation", async () => {
    const server = await startServer(() => {});
    const backend = createHttpBackend(jsonConfig(server.baseUrl, { timeoutMs: 60_000 }));
    expect(await backend.predict(REQUEST, AbortSignal.timeout(100))).toMatchObject({
      status: 'TIMEOUT',
    });
    const controller = new AbortController();
    const pending = backend.predict(REQUEST, controller.signal);
    controller.abort(new Error('worker shutting down'));
    await expect(pending).rejects.toThrow('worker shutting down');
  });

  it('retries a connection dropped by the server', async () => {
    const server = await startServer((_req, res, attempt) =>
      attempt === 1 ? res.socket?.destroy() : reply(res, 200, { prediction: 'rain' }),
    );
    expect(await createHttpBackend(jsonConfig(server.baseUrl)).predict(REQUEST)).toMatchObject({
      status: 'OK',
      output: 'rain',
    });
    expect(server.received).toHaveLength(2);
  });

  it('reports ERROR with the cause when no server listens', async () => {
    const server = await startServer(() => {});
    const url = server.baseUrl;
    await server.close();
    const result = await createHttpBackend(jsonConfig(url)).predict(REQUEST);
    expect(result).toMatchObject({
      status: 'ERROR',
      error: expect.stringMatching(/fetch failed: .*ECONNREFUSED/),
    });
  });

  it('rejects invalid config naming the field', () => {
    const bad = {
      kind: 'http',
      endpoint: { protocol: 'json', url: 'not a url', outputPath: 'p' },
    } as HttpConfig;
    expect(() => createHttpBackend(bad)).toThrow(BackendConfigError);
    expect(() => createHttpBackend(bad)).toThrow('endpoint.url: Invalid url');
  });
});
