import { describe, expect, it } from 'vitest';
import { readManifest, readModelArtifact } from './artifact-loader.js';
import { compileClassifier } from './classifier.js';
import { loadWeatherDataset } from './dataset-loader.js';
import { accuracyBySeason } from './season-accuracy.js';
import { trainWeatherModels } from './train-weather-models.js';
import { splitWeatherRows } from './weather-split.js';

describe('trainWeatherModels', () => {
  // Full-batch logistic regression takes a few seconds of CPU; allow for a loaded machine.
  it('reproduces the committed artifacts and manifest exactly', { timeout: 180_000 }, async () => {
    const dataset = await loadWeatherDataset();
    const { artifacts, manifest } = trainWeatherModels(dataset.rows, { dataset: dataset.info });
    expect(manifest).toEqual(await readManifest());
    for (const artifact of artifacts) {
      expect(JSON.parse(JSON.stringify(artifact))).toEqual(await readModelArtifact(artifact.name));
    }
  });

  it('ships held-out accuracies that make the demo scenarios what they claim', async () => {
    const accuracy = Object.fromEntries(
      (await readManifest()).models.map((m) => [m.name, m.heldOutAccuracy]),
    );
    expect(accuracy).toEqual({
      'weather-tree-v3': expect.closeTo(0.8653, 4),
      'weather-tree-v2': expect.closeTo(0.8607, 4),
      'weather-logreg-v1': expect.closeTo(0.8059, 4),
      'weather-tree-v4': expect.closeTo(0.7991, 4),
      'weather-stump-v0': expect.closeTo(0.653, 4),
    });
  });

  it('tree-v4 is about as accurate as logreg-v1 overall, better in three seasons, 16 points worse in winter', async () => {
    const { heldOut } = splitWeatherRows((await loadWeatherDataset()).rows);
    const bySeason = async (name: string) => {
      const artifact = await readModelArtifact(name);
      return accuracyBySeason(compileClassifier(artifact), artifact.features, heldOut);
    };
    const stable = await bySeason('weather-logreg-v1');
    const canary = await bySeason('weather-tree-v4');
    expect(stable).toEqual({
      winter: expect.closeTo(0.764, 3),
      spring: expect.closeTo(0.874, 3),
      summer: expect.closeTo(0.798, 3),
      autumn: expect.closeTo(0.792, 3),
    });
    expect(canary).toEqual({
      winter: expect.closeTo(0.604, 3),
      spring: expect.closeTo(0.893, 3),
      summer: expect.closeTo(0.862, 3),
      autumn: expect.closeTo(0.833, 3),
    });
    // Better in three seasons, much worse in the fourth.
    expect(stable.winter! - canary.winter!).toBeGreaterThan(0.15);
    for (const season of ['spring', 'summer', 'autumn'] as const) {
      expect(canary[season]).toBeGreaterThan(stable[season]!);
    }
  });
});
