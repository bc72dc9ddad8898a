import { describe, expect, it } from 'vitest';
import { readManifest, readModelArtifact } from './artifact-loader.js';
import { loadWeatherDataset } from './dataset-loader.js';
import { trainWeatherModels } from './train-weather-models.js';

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
});
