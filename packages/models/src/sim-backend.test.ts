import { describe, expect, it } from 'vitest';
import { type BackendResult, BackendStatus, type PredictRequest } from './backend.js';
import { BackendConfigError } from './config-error.js';
import { createSimBackend } from './sim-backend.js';
import type { SimConfig } from './sim-config.js';

const CLASSES = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
const N = 20_000;

function requests(count: number, truth: (i: number) => Record<string, unknown>): PredictRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    requestId: `req-${i}`,
    model: 'weather',
    variant: 'canary',
    features: truth(i),
  }));
}
const labelled = (count: number): PredictRequest[] =>
  requests(count, (i) => ({ trueLabel: CLASSES[i % CLASSES.length] }));

async function run(config: SimConfig, reqs: readonly PredictRequest[]): Promise<BackendResult[]> {
  const backend = createSimBackend(config);
  return Promise.all(reqs.map((r) => backend.predict(r)));
}

/** Binomial tolerance: 4.5 standard deviations of a proportion p estimated from n draws. */
const binomialTolerance = (p: number, n: number): number => 4.5 * Math.sqrt((p * (1 - p)) / n);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

const base: SimConfig = {
  kind: 'sim',
  seed: 7,
  accuracy: 0.85,
  classes: CLASSES,
  latency: { medianMs: 20, sigma: 0.4 },
};

describe('sim backend determinism', () => {
  it('gives the same outcome for the same (seed, variant, requestId) in any order and any instance', async () => {
    const reqs = labelled(500);
    const forward = await run({ ...base, errorRate: 0.1, timeoutRate: 0.1 }, reqs);
    const backward = (
      await run({ ...base, errorRate: 0.1, timeoutRate: 0.1 }, [...reqs].reverse())
    ).reverse();
    expect(backward).toEqual(forward);
  });

  it('pins the outcome of a fixed request, so a new version cannot silently change replays', async () => {
    const [result] = await run(base, [
      { requestId: 'golden-1', model: 'm', variant: 'v', features: { trueLabel: 'sun' } },
    ]);
    expect(result).toMatchInlineSnapshot(`
      {
        "output": "sun",
        "score": null,
        "scores": null,
        "simulatedLatencyMs": 37.610040789789664,
        "status": "OK",
      }
    `);
  });

  it('differs between seeds and between variants', async () => {
    const reqs = labelled(2_000);
    const outputs = (rs: BackendResult[]): (string | null)[] =>
      rs.map((r) => (r.status === 'OK' ? r.output : null));
    const a = outputs(await run({ ...base, accuracy: 0.5 }, reqs));
    const b = outputs(await run({ ...base, accuracy: 0.5, seed: 8 }, reqs));
    const c = outputs(
      await run(
        { ...base, accuracy: 0.5 },
        reqs.map((r) => ({ ...r, variant: 'stable' })),
      ),
    );
    const differing = (x: unknown[], y: unknown[]): number =>
      x.filter((v, i) => v !== y[i]).length / x.length;
    // Independent draws disagree on about half the requests (both wrong in different ways adds a little).
    expect(differing(a, b)).toBeGreaterThan(0.3);
    expect(differing(a, c)).toBeGreaterThan(0.3);
  });
});

describe('sim backend distributions over 20,000 requests', () => {
  it('matches the configured accuracy, error rate and timeout rate', async () => {
    const results = await run(
      { ...base, errorRate: 0.02, timeoutRate: 0.01, timeoutMs: 750 },
      labelled(N),
    );
    const timeouts = results.filter((r) => r.status === BackendStatus.TIMEOUT);
    const errors = results.filter((r) => r.status === BackendStatus.ERROR);
    const ok = results.flatMap((r, i) =>
      r.status === BackendStatus.OK ? [{ r, truth: CLASSES[i % CLASSES.length] }] : [],
    );
    expect(Math.abs(timeouts.length / N - 0.01)).toBeLessThan(binomialTolerance(0.01, N));
    expect(Math.abs(errors.length / N - 0.02)).toBeLessThan(binomialTolerance(0.02, N));
    expect(timeouts.every((r) => r.simulatedLatencyMs === 750)).toBe(true);
    const accuracy = ok.filter(({ r, truth }) => r.output === truth).length / ok.length;
    expect(Math.abs(accuracy - 0.85)).toBeLessThan(binomialTolerance(0.85, ok.length));
  });

  it('picks wrong classes among the other classes, uniformly', async () => {
    const results = await run(
      { ...base, accuracy: 0.2 },
      requests(N, () => ({ trueLabel: 'sun' })),
    );
    const wrong = results.flatMap((r) =>
      r.status === 'OK' && r.output !== 'sun' ? [r.output] : [],
    );
    expect(new Set(wrong)).toEqual(new Set(['drizzle', 'fog', 'rain', 'snow']));
    for (const cls of ['drizzle', 'fog', 'rain', 'snow']) {
      const share = wrong.filter((o) => o === cls).length / wrong.length;
      expect(Math.abs(share - 0.25)).toBeLessThan(binomialTolerance(0.25, wrong.length));
    }
  });

  it('draws log-normal latency with the configured median and sigma', async () => {
    const latencies = (await run(base, labelled(N))).map((r) => r.simulatedLatencyMs);
    // Asymptotic standard error of a sample median: 1 / (2 f(m) √n); for a log-normal,
    // f(m) = 1 / (m σ √(2π)), so SE = m σ √(π/2) / √n.
    const medianSe = (20 * 0.4 * Math.sqrt(Math.PI / 2)) / Math.sqrt(N);
    expect(Math.abs(median(latencies) - 20)).toBeLessThan(4.5 * medianSe);
    const logs = latencies.map(Math.log);
    const mean = logs.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(logs.reduce((a, x) => a + (x - mean) ** 2, 0) / (N - 1));
    // Standard error of a normal sample's standard deviation ≈ σ / √(2n).
    expect(Math.abs(sd - 0.4)).toBeLessThan((4.5 * 0.4) / Math.sqrt(2 * N));
  });

  it('supports constant latency', async () => {
    const results = await run({ ...base, latency: { constantMs: 5 } }, labelled(100));
    expect(new Set(results.map((r) => r.simulatedLatencyMs))).toEqual(new Set([5]));
  });

  it('adds Gaussian noise with the configured sd to numeric truths', async () => {
    const results = await run(
      { kind: 'sim', seed: 3, noiseSd: 2 },
      requests(N, (i) => ({ trueValue: i / 10 })),
    );
    const scores = results.map((r) =>
      r.status === 'OK' && Number(r.output) === r.score ? r.score : Number.NaN,
    );
    expect(scores.filter(Number.isNaN)).toHaveLength(0);
    const errors = scores.map((score, i) => score - i / 10);
    const mean = errors.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(errors.reduce((a, x) => a + (x - mean) ** 2, 0) / (N - 1));
    expect(Math.abs(mean)).toBeLessThan((4.5 * 2) / Math.sqrt(N));
    expect(Math.abs(sd - 2)).toBeLessThan((4.5 * 2) / Math.sqrt(2 * N));
  });
});

describe('sim backend edge cases', () => {
  it('returns ERROR for requests without a truth, or for classification without classes', async () => {
    const backend = createSimBackend({ kind: 'sim' });
    const noTruth = await backend.predict({ requestId: 'r', model: 'm', features: { x: 1 } });
    expect(noTruth).toMatchObject({ status: 'ERROR', error: expect.stringContaining('trueLabel') });
    const noClasses = await backend.predict({
      requestId: 'r',
      model: 'm',
      features: { trueLabel: 'sun' },
    });
    expect(noClasses).toMatchObject({ status: 'ERROR', error: expect.stringContaining('classes') });
  });

  it('turns a timed-out signal into TIMEOUT and rejects on cancellation', async () => {
    const backend = createSimBackend(base);
    const request = { requestId: 'r', model: 'm', features: { trueLabel: 'sun' } };
    const timedOut = AbortSignal.abort(new DOMException('too slow', 'TimeoutError'));
    expect(await backend.predict(request, timedOut)).toMatchObject({ status: 'TIMEOUT' });
    await expect(
      backend.predict(request, AbortSignal.abort(new Error('shutdown'))),
    ).rejects.toThrow('shutdown');
  });

  it.each([
    [{ ...base, accuracy: 1.5 }, 'accuracy'],
    [{ ...base, errorRate: 0.6, timeoutRate: 0.6 }, 'errorRate + timeoutRate must not exceed 1'],
    [{ ...base, classes: ['a', 'a'] }, 'classes must be distinct'],
    [{ ...base, latency: { medianMs: -1 } }, 'latency'],
    [{ ...base, acuracy: 0.9 }, "Unrecognized key(s) in object: 'acuracy'"],
  ])('rejects invalid config %#', (config, message) => {
    expect(() => createSimBackend(config as SimConfig)).toThrow(BackendConfigError);
    expect(() => createSimBackend(config as SimConfig)).toThrow(message);
  });
});
