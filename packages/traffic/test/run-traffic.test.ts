import type { Prediction } from '@kanary/contracts';
import { connectedProducer, disconnectTestClients } from '@kanary/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  constantDelay,
  exponentialDelay,
  runTraffic,
  SourceKind,
  type TrafficProgress,
} from '../src/index.js';
import { collectDecoded, trafficFixture } from './support.js';

afterAll(() => disconnectTestClients());

describe('runTraffic on the broker', () => {
  it('sends N requests and about (1 − unlabelled) × N labels, each after its request', async () => {
    const f = await trafficFixture();
    const requests = await collectDecoded(f, f.catalog.requests);
    const labels = await collectDecoded(f, f.catalog.labels);
    const n = 1_000;
    const progress: TrafficProgress[] = [];
    const report = await runTraffic({
      kafka: f.kafka,
      codec: f.codec,
      catalog: f.catalog,
      source: { kind: SourceKind.SYNTHETIC, classes: ['a', 'b', 'c'] },
      model: 'sim-model',
      rate: 2_000,
      count: n,
      users: 40,
      seed: 11,
      runId: 'run1',
      labels: { seed: 11, delay: exponentialDelay(300), unlabelledFraction: 0.2 },
      onProgress: (p) => progress.push(p),
      progressIntervalMs: 100,
    });
    expect(report).toMatchObject({ runId: 'run1', requests: n, labelsDropped: 0, aborted: false });
    expect(report.labelsSent + report.unlabelled).toBe(n);
    // Binomial standard error of the unlabelled share at n = 1000 is 0.013.
    expect(Math.abs(report.unlabelled / n - 0.2)).toBeLessThan(0.05);
    expect(progress.at(-1)).toMatchObject({
      phase: 'done',
      requests: n,
      labelsSent: report.labelsSent,
      labelsPending: 0,
    });

    await requests.waitFor(n);
    await labels.waitFor(report.labelsSent);
    const byId = new Map(requests.records.map((r) => [r.value.requestId, r]));
    expect(byId.size).toBe(n);
    expect(new Set(requests.records.map((r) => r.value.routingKey)).size).toBe(40);
    for (const { value } of requests.records) {
      expect(value.model).toBe('sim-model');
      expect(value.requestId).toMatch(/^run1-\d+$/);
    }
    expect(new Set(labels.records.map((l) => l.value.requestId)).size).toBe(report.labelsSent);
    for (const label of labels.records) {
      const request = byId.get(label.value.requestId);
      expect(request).toBeDefined();
      // The label is the truth the request carried, stamped and written after the request.
      expect(label.value.label).toBe(
        (JSON.parse(request!.value.features) as { trueLabel: string }).trueLabel,
      );
      expect(label.value.model).toBe('sim-model');
      expect(label.value.timestamp).toBeGreaterThanOrEqual(request!.value.timestamp);
      expect(label.recordTimestamp).toBeGreaterThanOrEqual(request!.recordTimestamp);
    }
    await requests.stop();
    await labels.stop();
  });

  it('labels wrong served predictions sooner when the delay depends on the outcome', async () => {
    const f = await trafficFixture();
    const n = 40;
    // Stand-in for router and worker: answer every request, wrongly for even indexes.
    const producer = await connectedProducer({ idempotent: true });
    const answered = new Set<string>();
    const requests = await collectDecoded(f, f.catalog.requests);
    const answering = (async () => {
      while (answered.size < n) {
        const fresh = requests.records.filter((r) => !answered.has(r.value.requestId));
        if (fresh.length === 0) {
          await requests.waitFor((rs) => rs.length > answered.size, 30_000);
          continue;
        }
        const messages = await Promise.all(
          fresh.map(async ({ value: r }) => {
            answered.add(r.requestId);
            const truth = (JSON.parse(r.features) as { trueLabel: string }).trueLabel;
            const wrong = Number(r.requestId.split('-').pop()) % 2 === 0;
            const prediction: Prediction = {
              scores: null,
              segment: null,
              requestId: r.requestId,
              model: r.model,
              rolloutId: null,
              variant: 'v1',
              role: 'STABLE',
              served: true,
              output: wrong ? (truth === 'x' ? 'y' : 'x') : truth,
              score: null,
              latencyMs: 1,
              status: 'OK',
              error: null,
              timestamp: Date.now(),
            };
            return {
              key: r.requestId,
              value: await f.codec.encode(f.catalog.predictions, prediction),
            };
          }),
        );
        await producer.send({ topic: f.catalog.predictions.name, messages, acks: -1 });
      }
    })();

    const labels = await collectDecoded(f, f.catalog.labels);
    const abort = new AbortController();
    const run = runTraffic({
      kafka: f.kafka,
      codec: f.codec,
      catalog: f.catalog,
      source: { kind: SourceKind.SYNTHETIC, classes: ['x', 'y'] },
      rate: 500,
      count: n,
      runId: 'outcome',
      // Right answers are labelled after an hour, wrong ones at once.
      labels: {
        seed: 1,
        delay: constantDelay(3_600_000),
        wrongDelay: constantDelay(0),
        unlabelledFraction: 0,
      },
      signal: abort.signal,
    });
    await labels.waitFor(n / 2, 60_000);
    await answering;
    abort.abort();
    const report = await run;

    expect(report).toMatchObject({
      requests: n,
      servedWrong: n / 2,
      servedRight: n / 2,
      withoutPrediction: 0,
    });
    expect(report.labelsSent).toBe(n / 2);
    expect(report.labelsDropped).toBe(n / 2);
    expect(report.aborted).toBe(true);
    const labelled = labels.records.map((l) => Number(l.value.requestId.split('-').pop()));
    expect(labelled.every((i) => i % 2 === 0)).toBe(true);
    expect(labels.records).toHaveLength(n / 2);
    await labels.stop();
    await requests.stop();
  });

  it('rejects a run with neither count nor duration', async () => {
    const f = await trafficFixture();
    await expect(
      runTraffic({
        kafka: f.kafka,
        codec: f.codec,
        catalog: f.catalog,
        source: { kind: SourceKind.SYNTHETIC },
        rate: 10,
      }),
    ).rejects.toThrow(/count, a duration/);
  });
});
