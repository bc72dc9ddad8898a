import { beforeAll, describe, expect, it } from 'vitest';
import { readManifest, readModelArtifact } from './artifact-loader.js';
import type { ModelBackend } from './backend.js';
import { DecisionTreeClassifier } from 'ml-cart';
import { mostLikelyClass } from './class-scores.js';
import { compileClassifier } from './classifier.js';
import { createBackend } from './create-backend.js';
import { loadWeatherDataset } from './dataset-loader.js';
import type { Manifest } from './model-artifact.js';
import { createModelBackend } from './model-backend.js';
import { featureVector, weatherFeaturesSchema } from './weather-features.js';
import { WEATHER_CLASSES } from './weather-rows.js';
import { createWeatherTraffic, type WeatherTraffic } from './weather-traffic.js';

let manifest: Manifest;
let traffic: WeatherTraffic;
const measured = new Map<string, number>();

async function heldOutAccuracy(backend: ModelBackend): Promise<number> {
  let correct = 0;
  for (const [i, sample] of traffic.heldOut.entries()) {
    const result = await backend.predict({
      requestId: `held-out-${i}`,
      model: 'weather',
      features: sample.features,
    });
    if (result.status !== 'OK') throw new Error(`held-out row ${i}: ${result.status}`);
    if (result.output === sample.trueLabel) correct += 1;
  }
  return correct / traffic.heldOut.length;
}

beforeAll(async () => {
  manifest = await readManifest();
  traffic = createWeatherTraffic((await loadWeatherDataset()).rows, { seed: 1 });
  for (const entry of manifest.models) {
    measured.set(
      entry.name,
      await heldOutAccuracy(await createBackend({ kind: 'model', name: entry.name })),
    );
  }
});

describe('trained weather models', () => {
  it('ships the documented versions, scored on the 438 held-out days', () => {
    expect(manifest.models.map((m) => m.name).sort()).toEqual([
      'weather-logreg-v1',
      'weather-stump-v0',
      'weather-tree-v2',
      'weather-tree-v3',
      'weather-tree-v4',
    ]);
    expect(manifest.split).toMatchObject({
      seed: 42,
      testFraction: 0.3,
      trainingRows: 1023,
      heldOutRows: 438,
    });
    expect(traffic.heldOut).toHaveLength(manifest.split.heldOutRows);
  });

  it('reproduces every manifest accuracy on the held-out slice', () => {
    for (const entry of manifest.models) {
      expect(
        Math.abs((measured.get(entry.name) ?? -1) - entry.heldOutAccuracy),
      ).toBeLessThanOrEqual(0.01);
    }
  });

  it('orders the versions as documented: tree-v2 > logreg-v1 > stump-v0, 3+ points apart; tree-v3 ≈ tree-v2', () => {
    const acc = (name: string): number => measured.get(name) ?? Number.NaN;
    expect(acc('weather-tree-v2') - acc('weather-logreg-v1')).toBeGreaterThanOrEqual(0.03);
    expect(acc('weather-logreg-v1') - acc('weather-stump-v0')).toBeGreaterThanOrEqual(0.03);
    expect(Math.abs(acc('weather-tree-v3') - acc('weather-tree-v2'))).toBeLessThan(0.02);
    // Every version beats always answering the majority class (sun, 43.8 % of days).
    expect(acc('weather-stump-v0')).toBeGreaterThan(0.5);
  });

  it('predicts a class with its probability', async () => {
    for (const entry of manifest.models) {
      const backend = createModelBackend(await readModelArtifact(entry.name));
      const result = await backend.predict({
        requestId: 'r1',
        model: 'weather',
        features: traffic.heldOut[0]!.features,
      });
      expect(result).toMatchObject({ status: 'OK', simulatedLatencyMs: 0 });
      if (result.status !== 'OK') continue;
      expect(WEATHER_CLASSES).toContain(result.output);
      expect(result.score).toBeGreaterThan(0);
      expect(result.score).toBeLessThanOrEqual(1);
    }
  });

  it('gives the probability of every class, summing to 1, most likely for the predicted one', async () => {
    for (const entry of manifest.models) {
      const backend = createModelBackend(await readModelArtifact(entry.name));
      const leaves = new Set<string>();
      for (const [i, sample] of traffic.heldOut.entries()) {
        const result = await backend.predict({
          requestId: `p-${i}`,
          model: 'weather',
          features: sample.features,
        });
        if (result.status !== 'OK') throw new Error(`${entry.name} row ${i}: ${result.status}`);
        const scores = result.scores ?? {};
        expect(Object.keys(scores), entry.name).toEqual(entry.classes);
        const sum = Object.values(scores).reduce((a, b) => a + b, 0);
        expect(Math.abs(sum - 1), entry.name).toBeLessThan(1e-9);
        for (const p of Object.values(scores)) expect(p >= 0 && p <= 1).toBe(true);
        expect(mostLikelyClass(scores), entry.name).toBe(result.output);
        expect(result.score).toBe(scores[result.output!]);
        leaves.add(JSON.stringify(scores));
      }
      // Real distributions, not one-hot votes: a tree has a few leaves, the regression a
      // distribution per day; and some day is predicted with less than certainty.
      expect(leaves.size, entry.name).toBeGreaterThan(1);
      expect(
        [...leaves].some((l) => Object.values(JSON.parse(l) as object).every((p) => p < 1)),
        entry.name,
      ).toBe(true);
    }
  });

  it("names every class where a tree's leaf holds only the lower class ids", async () => {
    // ml-cart sizes a leaf's distribution by the highest class id among its rows: weather-tree-v2's
    // wet-day leaves (precipitation ≥ 0.15) hold no `sun` (id 4), so they list four shares.
    const artifact = await readModelArtifact('weather-tree-v2');
    const tree = DecisionTreeClassifier.load(artifact.model);
    const classify = compileClassifier(artifact);
    const wet = traffic.heldOut
      .map((sample) =>
        featureVector(weatherFeaturesSchema.parse(sample.features), artifact.features),
      )
      .filter((vector) => tree.root.classify(vector).columns < artifact.classes.length);
    expect(wet.length).toBeGreaterThan(10);
    for (const vector of wet) {
      const { scores } = classify(vector);
      expect(Object.keys(scores)).toEqual(artifact.classes);
      expect(scores.sun).toBe(0);
      expect(Object.values(scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });

  it('predicts rain on a wet day and sun on a dry summer day', async () => {
    const backend = await createBackend({ kind: 'model', name: 'weather-tree-v2' });
    const wet = { date: '2014-11-12', precipitation: 12.5, temp_max: 10, temp_min: 6, wind: 4 };
    const dry = { date: '2014-07-12', precipitation: 0, temp_max: 28, temp_min: 15, wind: 2.5 };
    expect(
      await backend.predict({ requestId: 'w', model: 'weather', features: wet }),
    ).toMatchObject({ output: 'rain' });
    expect(
      await backend.predict({ requestId: 'd', model: 'weather', features: dry }),
    ).toMatchObject({ output: 'sun' });
  });

  it('ignores extra fields such as a simulated trueLabel', async () => {
    const backend = await createBackend({ kind: 'model', name: 'weather-logreg-v1' });
    const [sample] = createWeatherTraffic((await loadWeatherDataset()).rows, {
      seed: 1,
      includeTrueLabel: true,
    }).samples(1);
    expect(
      await backend.predict({ requestId: 'x', model: 'weather', features: sample!.features }),
    ).toMatchObject({ status: 'OK' });
  });

  it('returns ERROR naming the field for invalid features', async () => {
    const tree = await createBackend({ kind: 'model', name: 'weather-tree-v2' });
    const logreg = await createBackend({ kind: 'model', name: 'weather-logreg-v1' });
    const noDate = { precipitation: 0, temp_max: 20, temp_min: 10, wind: 3 };
    expect(
      await tree.predict({
        requestId: 'a',
        model: 'weather',
        features: { ...noDate, wind: 'calm' },
      }),
    ).toMatchObject({
      status: 'ERROR',
      error: expect.stringContaining('wind'),
    });
    expect(
      await tree.predict({ requestId: 'b', model: 'weather', features: noDate }),
    ).toMatchObject({
      status: 'ERROR',
      error: expect.stringContaining('month needs a date'),
    });
    // The regression does not use the month, so it needs no date.
    expect(
      await logreg.predict({ requestId: 'c', model: 'weather', features: noDate }),
    ).toMatchObject({ status: 'OK' });
  });

  it('simulates configured latency deterministically per request', async () => {
    const config = {
      kind: 'model',
      name: 'weather-tree-v2',
      latency: { medianMs: 30, sigma: 0.5 },
      seed: 4,
    } as const;
    const [a, b] = [await createBackend(config), await createBackend(config)];
    const request = {
      requestId: 'lat-1',
      model: 'weather',
      features: traffic.heldOut[1]!.features,
    };
    const first = await a.predict(request);
    expect(first.simulatedLatencyMs).toBeGreaterThan(0);
    expect((await b.predict(request)).simulatedLatencyMs).toBe(first.simulatedLatencyMs);
    const other = await a.predict({ ...request, requestId: 'lat-2' });
    expect(other.simulatedLatencyMs).not.toBe(first.simulatedLatencyMs);
  });
});
