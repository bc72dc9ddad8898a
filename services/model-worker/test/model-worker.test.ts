import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Prediction } from '@kanary/contracts';
import {
  loadWeatherDataset,
  mostLikelyClass,
  WEATHER_CLASSES,
  weatherFeaturesOf,
} from '@kanary/models';
import { createLogger } from '@kanary/observability';
import { disconnectTestClients, freePort, waitFor } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, startModelWorker, type RunningWorker } from '../src/index.js';
import {
  countByRequestAndVariant,
  produceRouted,
  readAllPredictions,
  routed,
  workerFixture,
  type WorkerFixture,
} from './support.js';

afterAll(() => disconnectTestClients());

const logger = createLogger({ service: 'model-worker-test', level: 'silent', pretty: false });

async function startWorker(f: WorkerFixture, env: Record<string, string>): Promise<RunningWorker> {
  return startModelWorker(loadConfig({ ...f.env, ...env }), logger);
}

/** Sum of kanary_predictions_total on the worker's /metrics, optionally for one variant. */
async function predictionsCounted(worker: RunningWorker, variant?: string): Promise<number> {
  const { text } = await scrape(worker, '/metrics');
  let total = 0;
  for (const m of text.matchAll(/^kanary_predictions_total\{variant="([^"]+)",[^}]*\} (\d+)$/gm)) {
    if (variant === undefined || m[1] === variant) total += Number(m[2]);
  }
  return total;
}

async function scrape(
  worker: RunningWorker,
  path: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${worker.ops.port}${path}`);
  return { status: response.status, text: await response.text() };
}

describe('model worker on the broker', () => {
  it('answers every routed request of its variants exactly once, failures included; other groups serve other variants', async () => {
    const f = await workerFixture();
    const deadPort = await freePort();
    const variants = {
      'sim-ok': { kind: 'sim', accuracy: 0.9, classes: ['a', 'b'] },
      'sim-faulty': { kind: 'sim', classes: ['a', 'b'], errorRate: 0.3, timeoutRate: 0.2 },
      'sim-slow': { kind: 'sim', classes: ['a', 'b'], latency: { constantMs: 3_000 } },
      'http-dead': {
        kind: 'http',
        endpoint: {
          protocol: 'json',
          url: `http://127.0.0.1:${deadPort}/predict`,
          outputPath: 'label',
        },
        retry: { retries: 0 },
        timeoutMs: 2_000,
      },
    };
    const names = [...Object.keys(variants), 'elsewhere'];
    const requests = Array.from({ length: 400 }, (_, i) => routed(i, names[i % names.length]!));
    await produceRouted(f, requests);
    const main = await startWorker(f, {
      WORKER_VARIANTS: JSON.stringify(variants),
      WORKER_TIMEOUT_MS: '1000',
      WORKER_SIMULATE_LATENCY: 'false',
    });
    const other = await startWorker(f, {
      WORKER_VARIANTS: JSON.stringify({ elsewhere: { kind: 'sim', classes: ['a', 'b'] } }),
      WORKER_GROUP_ID: `${f.prefix}.other-worker`,
      KANARY_INSTANCE_ID: 'other-0',
    });
    try {
      expect((await scrape(main, '/readyz')).status).toBe(200);
      await waitFor(async () => (await predictionsCounted(main)) === 320, {
        timeoutMs: 60_000,
        description: 'the main worker to make 320 predictions',
      });
      const metrics = (await scrape(main, '/metrics')).text;
      expect(metrics).toContain(
        'kanary_worker_skipped_total{variant="elsewhere",service="model-worker"} 80',
      );
      expect(metrics).toMatch(
        /kanary_prediction_latency_seconds_bucket\{le="[^"]+",service="model-worker",variant="sim-ok",status="OK",model="[^"]+"\}/,
      );
    } finally {
      await main.stop();
      await other.stop();
    }

    const predictions = await readAllPredictions(f);
    const counts = countByRequestAndVariant(predictions);
    expect(counts.size).toBe(requests.length);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const r of requests) expect(counts.get(`${r.requestId}|${r.variant}`)).toBe(1);

    const byVariant = (v: string) => predictions.filter((p) => p.variant === v);
    const statuses = (ps: Prediction[]) => new Set(ps.map((p) => p.status));
    expect(statuses(byVariant('sim-ok'))).toEqual(new Set(['OK']));
    expect(statuses(byVariant('sim-faulty'))).toEqual(new Set(['OK', 'ERROR', 'TIMEOUT']));
    for (const p of byVariant('sim-faulty').filter((p) => p.status !== 'OK')) {
      expect(p.error).toMatch(/^sim: simulated (error|timeout)$/);
      expect(p.output).toBeNull();
    }
    for (const p of byVariant('sim-slow')) {
      expect(p).toMatchObject({ status: 'TIMEOUT', output: null });
      expect(p.error).toContain('1000 ms deadline');
      expect(p.latencyMs).toBeGreaterThanOrEqual(1_000);
    }
    for (const p of byVariant('http-dead')) {
      expect(p.status).toBe('ERROR');
      expect(p.error).toMatch(/ECONNREFUSED/);
    }
    expect(statuses(byVariant('elsewhere'))).toEqual(new Set(['OK']));
    // Routing fields are carried over from the routed request.
    expect(predictions[0]).toMatchObject({
      model: 'm',
      rolloutId: 'ro-1',
      role: 'STABLE',
      served: true,
    });
  });

  it('reports the TIMEOUT of a model server slower than the deadline', async () => {
    const f = await workerFixture();
    const server = createServer(() => undefined); // accepts requests, never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await produceRouted(
      f,
      Array.from({ length: 6 }, (_, i) => routed(i, 'http-hang')),
    );
    const worker = await startWorker(f, {
      WORKER_VARIANTS: JSON.stringify({
        'http-hang': {
          kind: 'http',
          endpoint: {
            protocol: 'json',
            url: `http://127.0.0.1:${port}/predict`,
            outputPath: 'label',
          },
          timeoutMs: 10_000,
        },
      }),
      WORKER_TIMEOUT_MS: '300',
    });
    try {
      await waitFor(async () => (await predictionsCounted(worker)) === 6, {
        timeoutMs: 60_000,
        description: '6 predictions',
      });
    } finally {
      await worker.stop();
      server.closeAllConnections();
      server.close();
    }
    const predictions = await readAllPredictions(f);
    expect(predictions).toHaveLength(6);
    for (const p of predictions) {
      expect(p.status).toBe('TIMEOUT');
      expect(p.error).toBeTruthy();
    }
  });

  it("publishes a trained model's class probabilities and the routed request's segment", async () => {
    const f = await workerFixture();
    const { rows } = await loadWeatherDataset();
    const segments = ['north', 'south', null];
    const requests = Array.from({ length: 60 }, (_, i) => ({
      ...routed(i, i % 2 === 0 ? 'tree' : 'sim'),
      features: JSON.stringify(weatherFeaturesOf(rows[i * 7]!)),
      segment: segments[i % 3]!,
    }));
    await produceRouted(f, requests);
    const worker = await startWorker(f, {
      WORKER_VARIANTS: JSON.stringify({
        tree: { kind: 'model', name: 'weather-tree-v2' },
        // The sim has no probability model, so its predictions carry no scores.
        sim: { kind: 'sim', classes: [...WEATHER_CLASSES] },
      }),
      WORKER_SIMULATE_LATENCY: 'false',
    });
    try {
      await waitFor(async () => (await predictionsCounted(worker)) === 60, {
        timeoutMs: 60_000,
        description: '60 predictions',
      });
    } finally {
      await worker.stop();
    }
    const predictions = await readAllPredictions(f);
    expect(predictions).toHaveLength(60);
    for (const p of predictions) {
      const i = Number(p.requestId.slice(2));
      expect(p.segment, p.requestId).toBe(segments[i % 3]);
      if (p.variant === 'sim') {
        expect(p.scores).toBeNull();
        continue;
      }
      expect(p.status).toBe('OK');
      const scores = p.scores ?? {};
      expect(Object.keys(scores).sort()).toEqual([...WEATHER_CLASSES].sort());
      expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      expect(mostLikelyClass(scores)).toBe(p.output);
      expect(p.score).toBe(scores[p.output!]);
    }
    // Different days land in different leaves of the tree.
    const distinct = new Set(predictions.map((p) => JSON.stringify(p.scores)));
    expect(distinct.size).toBeGreaterThan(3);
  });

  it("reproduces the sim backend's configured accuracy and latency", async () => {
    const f = await workerFixture();
    const n = 2_000;
    const config = {
      kind: 'sim',
      accuracy: 0.8,
      classes: ['a', 'b', 'c'],
      latency: { medianMs: 20, sigma: 0.4 },
      errorRate: 0.05,
    };
    await produceRouted(
      f,
      Array.from({ length: n }, (_, i) => routed(i, 'sim-acc', ['a', 'b', 'c'][i % 3])),
    );
    const worker = await startWorker(f, {
      WORKER_VARIANTS: JSON.stringify({ 'sim-acc': config }),
      WORKER_SIMULATE_LATENCY: 'false',
      WORKER_CONCURRENCY: '64',
    });
    try {
      await waitFor(async () => (await predictionsCounted(worker, 'sim-acc')) === n, {
        timeoutMs: 60_000,
        description: `${n} predictions`,
      });
    } finally {
      await worker.stop();
    }
    const predictions = await readAllPredictions(f);
    expect(predictions).toHaveLength(n);
    const ok = predictions.filter((p) => p.status === 'OK');
    const truth = (p: Prediction) => ['a', 'b', 'c'][Number(p.requestId.slice(2)) % 3];
    const accuracy = ok.filter((p) => p.output === truth(p)).length / ok.length;
    const errorRate = predictions.filter((p) => p.status === 'ERROR').length / n;
    // Binomial standard errors at n = 2000: accuracy ≈ 0.009, error rate ≈ 0.005; allow about 4 of them.
    expect(accuracy).toBeGreaterThan(0.8 - 0.04);
    expect(accuracy).toBeLessThan(0.8 + 0.04);
    expect(errorRate).toBeGreaterThan(0.05 - 0.02);
    expect(errorRate).toBeLessThan(0.05 + 0.02);
    // Log-normal with median 20 ms and sigma 0.4: the sample median is within a few percent, and
    // ln-latency has standard deviation 0.4 (real call overhead adds microseconds).
    const logs = ok.map((p) => Math.log(p.latencyMs)).sort((a, b) => a - b);
    const median = Math.exp(logs[Math.floor(logs.length / 2)]!);
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (logs.length - 1));
    expect(median).toBeGreaterThan(20 * 0.93);
    expect(median).toBeLessThan(20 * 1.07);
    expect(sd).toBeGreaterThan(0.36);
    expect(sd).toBeLessThan(0.44);
  });
});
