import type { InferenceRequest, Prediction } from '@kanary/contracts';
import { loadConfig, startModelWorker, type RunningWorker } from '@kanary/model-worker';
import { createLogger } from '@kanary/observability';
import { disconnectTestClients } from '@kanary/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  PARTITIONS,
  routerBed,
  type RouterBed,
} from '../../services/router/test/router-test-bed.js';
import { readAllPredictions, workerFixture } from '../../services/model-worker/test/support.js';

afterAll(disconnectTestClients);

let bed: RouterBed | undefined;
let worker: RunningWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  await bed?.close();
  worker = undefined;
  bed = undefined;
});

/** The router bed's default variant of model `weather`, which the worker runs. */
const VARIANT = 'weather-logreg-v1';
const REQUESTS = 4;
const CALLER_OUTPUT = 'answered-by-the-caller';

interface AssignAnswer {
  readonly requestId: string;
  readonly variant: string;
  readonly role: Prediction['role'];
  readonly rolloutId: string | null;
}

describe('who answers a routed request', () => {
  it('a request assigned over HTTP gets only its caller’s prediction while a worker runs the variant; a Kafka request gets the worker’s', async () => {
    bed = await routerBed();
    const f = await workerFixture({ prefix: bed.prefix, partitions: PARTITIONS });
    const router = await bed.start();
    worker = await startModelWorker(
      loadConfig({
        ...f.env,
        WORKER_VARIANTS: JSON.stringify({ [VARIANT]: { kind: 'sim', classes: ['rain', 'sun'] } }),
        WORKER_SIMULATE_LATENCY: 'false',
      }),
      createLogger({ service: 'model-worker', level: 'silent', pretty: false }),
    );
    const routed = await bed.collect(bed.catalog.routed);

    // Mode 2: the platform asks for the variant, serves the request and publishes the Prediction.
    const answers: AssignAnswer[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const response = await fetch(`${router.url}/v1/assign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'weather',
          requestId: `http-${i}`,
          routingKey: `http-user-${i}`,
          features: { trueLabel: 'rain' },
        }),
      });
      expect(response.status).toBe(200);
      answers.push((await response.json()) as AssignAnswer);
    }
    expect(answers.map((a) => a.variant)).toEqual(Array(REQUESTS).fill(VARIANT));
    await bed.produce(
      bed.catalog.predictions,
      answers.map((a): Prediction => ({
        scores: null,
        segment: null,
        requestId: a.requestId,
        model: 'weather',
        rolloutId: a.rolloutId,
        variant: a.variant,
        role: a.role,
        served: true,
        output: CALLER_OUTPUT,
        score: null,
        latencyMs: 3,
        status: 'OK',
        error: null,
        timestamp: Date.now(),
      })),
      (p) => p.requestId,
    );
    // Mode 1: the Kafka ingress; the worker answers.
    await bed.requests(
      Array.from({ length: REQUESTS }, (_, i): InferenceRequest => ({
        requestId: `kafka-${i}`,
        model: 'weather',
        routingKey: `kafka-user-${i}`,
        features: '{"trueLabel":"rain"}',
        timestamp: Date.now(),
      })),
    );

    const records = await routed.waitFor(2 * REQUESTS, 60_000);
    expect(records.map((r) => [r.requestId, r.variant, r.dispatch]).sort()).toEqual(
      Array.from({ length: REQUESTS }, (_, i) => [
        [`http-${i}`, VARIANT, 'CALLER'],
        [`kafka-${i}`, VARIANT, 'WORKER'],
      ])
        .flat()
        .sort(),
    );
    // Every routed record is now processed by the worker and its outputs committed.
    await worker.runner.catchUp(60_000);
    expect(worker.runner.stats.processed).toBe(2 * REQUESTS);

    const byRequest = new Map<string, Prediction[]>();
    for (const p of await readAllPredictions(f)) {
      byRequest.set(p.requestId, [...(byRequest.get(p.requestId) ?? []), p]);
    }
    expect([...byRequest.keys()].sort()).toEqual(
      Array.from({ length: REQUESTS }, (_, i) => [`http-${i}`, `kafka-${i}`])
        .flat()
        .sort(),
    );
    for (const [requestId, predictions] of byRequest) {
      expect(predictions, requestId).toHaveLength(1);
      const [prediction] = predictions;
      if (requestId.startsWith('http-')) {
        expect(prediction).toMatchObject({ output: CALLER_OUTPUT, latencyMs: 3 });
      } else {
        expect(prediction).toMatchObject({ variant: VARIANT, status: 'OK', served: true });
        expect(['rain', 'sun']).toContain(prediction!.output);
      }
    }
    expect(await worker.registry.metrics()).toContain(
      `kanary_worker_caller_dispatched_total{variant="${VARIANT}",service="model-worker"} ${REQUESTS}`,
    );
  });
});
