import type { Prediction, RoutedRequest } from '@kanary/contracts';
import {
  loadWeatherDataset,
  mostLikelyClass,
  WEATHER_CLASSES,
  weatherFeaturesOf,
} from '@kanary/models';
import type { WeatherRow } from '@kanary/models';
import { createLogger } from '@kanary/observability';
import { disconnectTestClients, waitFor } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, startModelWorker, type RunningWorker } from '../src/index.js';
import {
  ModelServerKind,
  modelServerAvailability,
  ModelServerProcess,
  SERVED_MODELS,
  servedModelVariants,
} from './model-server-process.js';
import {
  countByRequestAndVariant,
  produceRouted,
  readAllPredictions,
  workerFixture,
  type WorkerFixture,
} from './support.js';

// The model worker's `http` backend against real Open Inference (V2) servers — Seldon's MLServer
// (sklearn runtime) and KServe's Python model server (a kserve.Model of ours) — serving the
// scikit-learn weather models of model-servers/train.py. `bash scripts/model-servers` installs
// them (.ci/run does); where they are not installed, each suite is reported as skipped with the
// reason.

afterAll(() => disconnectTestClients());

const logger = createLogger({ service: 'model-worker-test', level: 'silent', pretty: false });
const MODELS = SERVED_MODELS;
const { rows } = await loadWeatherDataset();

/** One variant per model, each batching up to 16 rows per call, with class probabilities. */
const variants = (baseUrl: string) =>
  servedModelVariants(baseUrl, {
    maxRows: 16,
    timeoutMs: 2_000,
    retry: { retries: 1, minDelayMs: 20, maxDelayMs: 100 },
    scores: true,
  });

/** Routed requests `from`..`from + n − 1` over the dataset's days, alternating the two models. */
function weatherRequests(from: number, n: number): RoutedRequest[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const row = rows[i % rows.length] as WeatherRow;
    return {
      requestId: `w-${i}`,
      model: 'weather',
      routingKey: `u-${i % 17}`,
      features: JSON.stringify(weatherFeaturesOf(row)),
      timestamp: Date.UTC(2026, 0, 1) + i,
      rolloutId: 'ro-servers',
      variant: MODELS[i % MODELS.length]!,
      role: 'STABLE',
      served: true,
      routedAt: Date.UTC(2026, 0, 1) + i + 1,
      dispatch: 'WORKER',
      segment: null,
    };
  });
}

async function predictionsCounted(worker: RunningWorker): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${worker.ops.port}/metrics`);
  const text = await response.text();
  let total = 0;
  for (const m of text.matchAll(/^kanary_predictions_total\{[^}]*\} (\d+)$/gm))
    total += Number(m[1]);
  return total;
}

const untilCounted = (worker: RunningWorker, n: number, what: string) =>
  waitFor(async () => (await predictionsCounted(worker)) >= n, {
    timeoutMs: 90_000,
    description: `${n} predictions (${what})`,
  });

const truthOf = (requestId: string): string =>
  (rows[Number(requestId.slice(2)) % rows.length] as WeatherRow).weather;

for (const kind of [ModelServerKind.MLSERVER, ModelServerKind.KSERVE]) {
  const server = modelServerAvailability(kind);

  describe.skipIf(!server.available)(`model worker against ${kind}${server.skipped}`, () => {
    it('predicts weather classes; a server killed mid-run gives ERROR predictions, and OK again once restarted', async () => {
      const f: WorkerFixture = await workerFixture();
      const modelServer = await ModelServerProcess.start(kind);
      let worker: RunningWorker | undefined;
      try {
        worker = await startModelWorker(
          loadConfig({
            ...f.env,
            WORKER_VARIANTS: JSON.stringify(variants(modelServer.baseUrl)),
            WORKER_CONCURRENCY: '32',
            WORKER_TIMEOUT_MS: '3000',
          }),
          logger,
        );

        // 1. Serving: a backlog of 400 requests.
        await produceRouted(f, weatherRequests(0, 400));
        await untilCounted(worker, 400, 'server up');

        // 2. Killed mid-run: as soon as the worker has started on the next backlog (some of it
        // may be in flight, some already answered — where the kill lands is up to the race)...
        await produceRouted(f, weatherRequests(400, 100));
        await untilCounted(worker, 401, 'the worker has started on the second backlog');
        await modelServer.kill();
        await untilCounted(worker, 500, 'server killed during the second backlog');
        // ...and while it is down.
        await produceRouted(f, weatherRequests(500, 200));
        await untilCounted(worker, 700, 'server down');

        // 3. Restarted on the same port.
        await modelServer.restart();
        await produceRouted(f, weatherRequests(700, 300));
        await untilCounted(worker, 1_000, 'server restarted');
      } finally {
        await worker?.stop();
        await modelServer.kill();
      }

      const calls = await modelServer.answeredCalls();
      const predictions = await readAllPredictions(f);
      const counts = countByRequestAndVariant(predictions);
      expect(counts.size).toBe(1_000);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);

      const phase = (from: number, to: number): Prediction[] =>
        predictions.filter((p) => {
          const i = Number(p.requestId.slice(2));
          return i >= from && i < to;
        });
      const up = phase(0, 400);
      const down = phase(500, 700);
      const restarted = phase(700, 1_000);
      for (const p of [...up, ...restarted]) {
        expect(p).toMatchObject({ status: 'OK', error: null });
        expect(WEATHER_CLASSES).toContain(p.output);
        // The server's predict_proba row: every class, summing to 1, most likely the predicted
        // class (scikit-learn's predict is the arg-max of predict_proba for both models).
        const scores = p.scores ?? {};
        expect(Object.keys(scores)).toEqual([...WEATHER_CLASSES]);
        expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        expect(mostLikelyClass(scores), p.requestId).toBe(p.output);
        expect(p.score).toBe(scores[p.output!]);
      }
      // Probabilities, not one-hot votes: some days are predicted with less than certainty.
      for (const model of MODELS) {
        const doubtful = up.filter((p) => p.variant === model && (p.score ?? 1) < 0.9);
        expect(doubtful.length, model).toBeGreaterThan(10);
      }
      // Real models, not noise: the trained models are about 80 % accurate on held-out days.
      for (const model of MODELS) {
        const served = up.filter((p) => p.variant === model);
        const accuracy =
          served.filter((p) => p.output === truthOf(p.requestId)).length / served.length;
        expect(accuracy, model).toBeGreaterThan(0.6);
      }
      // A backlog goes out as several rows per call (up to 16).
      const answered = predictions.filter((p) => p.status === 'OK').length;
      expect(calls).toBeGreaterThan(0);
      expect(answered / calls, `${answered} predictions from ${calls} calls`).toBeGreaterThan(3);
      for (const p of down) {
        expect(p.status).toBe('ERROR');
        expect(p.error).toMatch(/ECONNREFUSED/);
        expect(p.output).toBeNull();
        expect(p.scores).toBeNull();
      }
      // Killed mid-run: each request answered, OK before the kill, ERROR or TIMEOUT after it.
      const killed = phase(400, 500);
      expect(killed).toHaveLength(100);
      for (const p of killed) {
        if (p.status === 'OK') expect(WEATHER_CLASSES).toContain(p.output);
        else expect(p.error).toBeTruthy();
      }
    });
  });
}
