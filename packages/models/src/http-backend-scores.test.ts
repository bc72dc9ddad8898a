import { afterEach, describe, expect, it } from 'vitest';
import type { BackendResult } from './backend.js';
import { createBackend } from './create-backend.js';
import { createHttpBackend } from './http-backend.js';
import type { HttpConfig } from './http-config.js';
import { closeServers, type Received, reply, startServer } from './model-server.fixtures.js';

afterEach(closeServers);

const CLASSES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
const INPUTS = [{ name: 'x', features: ['precipitation', 'temp_max', 'temp_min', 'wind'] }];

const request = (i: number) => ({
  requestId: `req-${i}`,
  model: 'weather',
  features: { precipitation: i, temp_max: 20, temp_min: 10, wind: 3 },
});

/** Row i's probabilities: 0.6 on class i mod 5, 0.1 on every other class. */
const probabilitiesOf = (i: number): number[] => CLASSES.map((_, c) => (c === i % 5 ? 0.6 : 0.1));

const rowsOf = (r: Received): number[] => {
  const [input] = (r.body as { inputs: { shape: number[]; data: number[] }[] }).inputs;
  return Array.from({ length: input!.shape[0]! }, (_, k) => input!.data[k * 4]!);
};
const requestedOf = (r: Received): unknown => (r.body as { outputs?: unknown }).outputs;

/**
 * Answers like MLServer's scikit-learn runtime: the outputs the request lists (`predict` by
 * default), `predict` a BYTES [n, 1] tensor and `predict_proba` an FP64 [n, 5] one.
 */
function mlserverLike(r: Received): unknown {
  const rows = rowsOf(r);
  const listed = requestedOf(r) as { name: string }[] | undefined;
  const names = listed?.map((o) => o.name) ?? ['predict'];
  const tensors: Record<string, unknown> = {
    predict: {
      name: 'predict',
      datatype: 'BYTES',
      shape: [rows.length, 1],
      data: rows.map((i) => CLASSES[i % 5]),
    },
    predict_proba: {
      name: 'predict_proba',
      datatype: 'FP64',
      shape: [rows.length, 5],
      data: rows.flatMap(probabilitiesOf),
    },
  };
  return {
    model_name: 'weather-sk-tree',
    outputs: names.filter((n) => n in tensors).map((n) => tensors[n]),
  };
}

function kserveConfig(baseUrl: string, endpoint: Record<string, unknown> = {}): HttpConfig {
  return {
    kind: 'http',
    endpoint: {
      protocol: 'kserve-v2',
      baseUrl,
      modelName: 'weather-sk-tree',
      inputs: INPUTS,
      output: { name: 'predict' },
      scores: { output: 'predict_proba', classes: CLASSES },
      ...endpoint,
    } as HttpConfig['endpoint'],
    retry: { retries: 0 },
  };
}

const okScores = (r: BackendResult) => (r.status === 'OK' ? r.scores : r.error);

describe('http backend, class probabilities over KServe v2', () => {
  it('lists the outputs it reads and puts each row of probabilities on its own prediction', async () => {
    const server = await startServer((req, res) => reply(res, 200, mlserverLike(req)));
    const backend = createHttpBackend(
      kserveConfig(server.baseUrl, { batch: { maxRows: 4, callsInFlight: 1 } }),
    );
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => backend.predict(request(i))),
    );
    results.forEach((result, i) => {
      const scores = Object.fromEntries(CLASSES.map((c, k) => [c, probabilitiesOf(i)[k]]));
      expect(result).toMatchObject({ status: 'OK', output: CLASSES[i % 5], scores });
      // `predict` gives no score: the predicted class's probability is the score.
      expect(result.status === 'OK' && result.score).toBeCloseTo(0.6, 12);
    });
    // Rows in order, up to batch.maxRows per call.
    expect(server.received.map(rowsOf)).toEqual([
      [0, 1, 2, 3],
      [4, 5],
    ]);
    for (const received of server.received) {
      expect(requestedOf(received)).toEqual([{ name: 'predict' }, { name: 'predict_proba' }]);
    }
  });

  it("reads the class and its probabilities from one tensor (KServe's sklearnserver with PREDICT_PROBA)", async () => {
    const server = await startServer((req, res) =>
      reply(res, 200, {
        outputs: [
          { name: 'output-0', datatype: 'FP64', shape: [1, 5], data: [0.1, 0.2, 0.5, 0.0, 0.2] },
        ],
      }),
    );
    const backend = createHttpBackend(
      kserveConfig(server.baseUrl, {
        output: { name: 'output-0' },
        scores: { output: 'output-0', classes: CLASSES },
      }),
    );
    expect(await backend.predict(request(0))).toEqual({
      status: 'OK',
      output: 'rain',
      score: 0.5,
      scores: { drizzle: 0.1, fog: 0.2, rain: 0.5, snow: 0, sun: 0.2 },
      simulatedLatencyMs: 0,
    });
    expect(requestedOf(server.received[0]!)).toEqual([{ name: 'output-0' }]);
  });

  it('keeps the score of output.scoreName over the probability', async () => {
    const server = await startServer((req, res) => {
      const body = mlserverLike(req) as { outputs: unknown[] };
      body.outputs.push({ name: 'confidence', datatype: 'FP32', shape: [1, 1], data: [0.42] });
      reply(res, 200, body);
    });
    const backend = createHttpBackend(
      kserveConfig(server.baseUrl, { output: { name: 'predict', scoreName: 'confidence' } }),
    );
    expect(await backend.predict(request(2))).toMatchObject({
      status: 'OK',
      output: 'rain',
      score: 0.42,
      scores: { rain: 0.6 },
    });
    expect(requestedOf(server.received[0]!)).toEqual([
      { name: 'predict' },
      { name: 'confidence' },
      { name: 'predict_proba' },
    ]);
  });

  it.each<[string, (req: Received) => unknown, RegExp]>([
    [
      'a response without the probabilities tensor',
      (req) => {
        const body = mlserverLike(req) as { outputs: { name: string }[] };
        return { outputs: body.outputs.filter((o) => o.name !== 'predict_proba') };
      },
      /response has no output predict_proba; it has predict/,
    ],
    [
      'a row of logits',
      (req) => {
        const body = mlserverLike(req) as { outputs: { name: string; data: unknown[] }[] };
        body.outputs[1]!.data = [2, -1, 0.5, 0.1, 3];
        return body;
      },
      /output predict_proba: the probability of drizzle is 2, not a number in \[0, 1\]/,
    ],
    [
      'more columns than classes',
      (req) => {
        const body = mlserverLike(req) as { outputs: { name: string; data: unknown[] }[] };
        body.outputs[1]!.data = [0.1, 0.1, 0.1, 0.1, 0.1, 0.5];
        return body;
      },
      /output predict_proba has 6 probabilities for 5 classes/,
    ],
  ])('is an ERROR for %s', async (_name, answer, error) => {
    const server = await startServer((req, res) => reply(res, 200, answer(req)));
    const result = await createHttpBackend(kserveConfig(server.baseUrl)).predict(request(0));
    expect(result.status).toBe('ERROR');
    expect(okScores(result)).toMatch(error);
  });

  it('lists no outputs and carries no scores without `scores`', async () => {
    const server = await startServer((req, res) => reply(res, 200, mlserverLike(req)));
    const backend = createHttpBackend(kserveConfig(server.baseUrl, { scores: undefined }));
    expect(await backend.predict(request(3))).toMatchObject({
      status: 'OK',
      output: 'snow',
      score: null,
      scores: null,
    });
    expect(server.received[0]?.body).not.toHaveProperty('outputs');
  });
});

describe('http backend, class probabilities over plain JSON', () => {
  const jsonConfig = (url: string, scores: unknown, extra = {}): HttpConfig =>
    ({
      kind: 'http',
      endpoint: { protocol: 'json', url, outputPath: 'label', scores, ...extra },
      retry: { retries: 0 },
    }) as HttpConfig;

  it.each<[string, unknown, unknown, Partial<BackendResult>]>([
    [
      'an object of class probabilities',
      { path: 'probabilities' },
      { label: 'fog', probabilities: { fog: 0.7, rain: 0.3 } },
      { status: 'OK', output: 'fog', score: 0.7, scores: { fog: 0.7, rain: 0.3 } },
    ],
    [
      'an array in the order of scores.classes',
      { path: 'p.values', classes: ['fog', 'rain'] },
      { label: 'rain', p: { values: [0.25, 0.75] } },
      { status: 'OK', output: 'rain', score: 0.75, scores: { fog: 0.25, rain: 0.75 } },
    ],
    [
      'no probabilities in this response',
      { path: 'probabilities' },
      { label: 'fog', probabilities: null },
      { status: 'OK', output: 'fog', score: null, scores: null },
    ],
    [
      'an array without classes',
      { path: 'probabilities' },
      { label: 'fog', probabilities: [0.5, 0.5] },
      {
        status: 'ERROR',
        error: expect.stringContaining(
          'response field probabilities is an array: name its classes in scores.classes',
        ) as string,
      },
    ],
    [
      'probabilities that do not sum to 1',
      { path: 'probabilities' },
      { label: 'fog', probabilities: { fog: 0.7, rain: 0.7 } },
      {
        status: 'ERROR',
        error: expect.stringContaining('sums to 1.4, not 1') as string,
      },
    ],
  ])('reads %s', async (_name, scores, response, expected) => {
    const server = await startServer((_req, res) => reply(res, 200, response));
    const backend = createHttpBackend(jsonConfig(`${server.baseUrl}/predict`, scores));
    expect(await backend.predict(request(0))).toMatchObject(expected);
  });

  it('keeps the score of scorePath over the probability', async () => {
    const server = await startServer((_req, res) =>
      reply(res, 200, { label: 'fog', confidence: 0.9, probabilities: { fog: 0.6, rain: 0.4 } }),
    );
    const backend = createHttpBackend(
      jsonConfig(
        `${server.baseUrl}/predict`,
        { path: 'probabilities' },
        { scorePath: 'confidence' },
      ),
    );
    expect(await backend.predict(request(0))).toMatchObject({ score: 0.9, scores: { fog: 0.6 } });
  });
});

describe('scores config', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a KServe endpoint without the name of the class output',
      { output: {}, scores: { output: 'predict_proba', classes: CLASSES } },
      "endpoint.output.name: with scores, name the output of the predicted class (for example 'predict', or 'predict_proba' for the most likely class)",
    ],
    [
      'repeated classes',
      { scores: { output: 'predict_proba', classes: ['rain', 'rain'] } },
      'endpoint.scores.classes: must be distinct',
    ],
    [
      'a single class',
      { scores: { output: 'predict_proba', classes: ['rain'] } },
      'endpoint.scores.classes: must name at least 2 classes',
    ],
    [
      'no output tensor',
      { scores: { output: '', classes: CLASSES } },
      'endpoint.scores.output: must name an output tensor',
    ],
    [
      'an unknown field',
      { scores: { output: 'predict_proba', classes: CLASSES, labels: [] } },
      "endpoint.scores: Unrecognized key(s) in object: 'labels'",
    ],
  ])('rejects %s, naming the field', async (_name, endpoint, message) => {
    const config = kserveConfig('http://127.0.0.1:1', endpoint);
    expect(() => createHttpBackend(config)).toThrow(message);
    await expect(createBackend(config)).rejects.toThrow(message);
  });
});
