/**
 * Trains the shipped weather models and writes their artifacts and manifest.json:
 *
 *   node --conditions=source --import tsx packages/models/src/train.ts [artifactsDir]
 *
 * Deterministic: the same dataset version gives byte-identical files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_ARTIFACTS_DIR, MANIFEST_FILE } from './artifact-loader.js';
import { compileClassifier } from './classifier.js';
import { loadWeatherDataset } from './dataset-loader.js';
import { accuracyBySeason } from './season-accuracy.js';
import { trainWeatherModels } from './train-weather-models.js';
import { splitWeatherRows } from './weather-split.js';

const artifactsDir = process.argv[2] ?? DEFAULT_ARTIFACTS_DIR;
const dataset = await loadWeatherDataset();
const { artifacts, manifest } = trainWeatherModels(dataset.rows, { dataset: dataset.info });

await mkdir(artifactsDir, { recursive: true });
for (const artifact of artifacts) {
  await writeFile(join(artifactsDir, `${artifact.name}.json`), `${JSON.stringify(artifact)}\n`);
}
await writeFile(join(artifactsDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);

const { trainingRows, heldOutRows } = manifest.split;
process.stdout.write(
  `trained on ${trainingRows} rows, scored on ${heldOutRows} held-out rows → ${artifactsDir}\n`,
);
const { heldOut } = splitWeatherRows(dataset.rows);
for (const artifact of artifacts) {
  const seasons = Object.entries(
    accuracyBySeason(compileClassifier(artifact), artifact.features, heldOut),
  )
    .map(([season, accuracy]) => `${season} ${accuracy.toFixed(3)}`)
    .join(', ');
  process.stdout.write(
    `  ${artifact.name.padEnd(20)} held-out accuracy ${artifact.heldOutAccuracy.toFixed(4)} (${seasons})\n`,
  );
}
