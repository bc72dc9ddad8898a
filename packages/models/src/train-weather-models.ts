import { DecisionTreeClassifier } from 'ml-cart';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { compileClassifier } from './classifier.js';
import { accuracyOn } from './evaluate-accuracy.js';
import { type Manifest, type ModelArtifact, ModelType } from './model-artifact.js';
import { TrainingLabels, withTrainingLabels } from './training-labels.js';
import { featureVector, type WeatherFeatureName, weatherFeaturesOf } from './weather-features.js';
import { WEATHER_CLASSES, type WeatherRow } from './weather-rows.js';
import { type SplitOptions, splitWeatherRows, WEATHER_SPLIT } from './weather-split.js';

interface SpecBase {
  readonly name: string;
  readonly description: string;
  readonly features: readonly WeatherFeatureName[];
  /** @default TrainingLabels.OBSERVED */
  readonly labels?: TrainingLabels;
}

/** ml-cart DecisionTreeClassifier options used here. */
export interface TreeOptions {
  readonly maxDepth: number;
  /** A node with at most this many rows becomes a leaf. @default 3 */
  readonly minNumSamples?: number;
}

/** ml-logistic-regression options used here. */
export interface LogisticOptions {
  /** Full-batch gradient steps. */
  readonly numSteps: number;
  readonly learningRate: number;
}

export type WeatherModelSpec =
  | (SpecBase & {
      readonly type: typeof ModelType.DECISION_TREE;
      readonly tree: TreeOptions;
    })
  | (SpecBase & {
      readonly type: typeof ModelType.LOGISTIC_REGRESSION;
      readonly logistic: LogisticOptions;
    });

const ALL_MEASUREMENTS = ['precipitation', 'temp_max', 'temp_min', 'wind'] as const;

/**
 * The shipped model versions, chosen so that a canary can be truly better, truly worse or about
 * as good as its stable version (held-out accuracies in manifest.json):
 * tree-v3 ≈ tree-v2 > logreg-v1 > stump-v0, the last three at least 3 points apart.
 * Precipitation alone separates rain from dry days, so the weak model is the one without it.
 * tree-v4 is a version that is wrong in one segment: about as accurate as logreg-v1 overall,
 * better in three seasons, 16 points worse in winter. Honest variations (a tree never shown
 * winter days, feature subsets, other depths) move a season's accuracy by at most about 6 points
 * on these data — precipitation decides rain in every season — so its failure comes from its
 * training labels instead.
 */
export const WEATHER_MODEL_SPECS: readonly WeatherModelSpec[] = [
  {
    name: 'weather-tree-v3',
    type: ModelType.DECISION_TREE,
    description:
      'CART decision tree, depth 4, on the four measurements and the month; about as accurate as v2',
    features: [...ALL_MEASUREMENTS, 'month'],
    tree: { maxDepth: 4 },
  },
  {
    name: 'weather-tree-v2',
    type: ModelType.DECISION_TREE,
    description: 'CART decision tree, depth 3, on the four measurements and the month',
    features: [...ALL_MEASUREMENTS, 'month'],
    tree: { maxDepth: 3 },
  },
  {
    name: 'weather-logreg-v1',
    type: ModelType.LOGISTIC_REGRESSION,
    description:
      'One-vs-rest logistic regression on the four standardised measurements, 2,000 gradient steps',
    features: [...ALL_MEASUREMENTS],
    // Full-batch gradient descent with a fixed budget (the library has no convergence test; its
    // gradient is summed over rows, hence the small step). 2,000 steps leave it short of
    // convergence — longer training approaches the tree's accuracy — which makes it the
    // clearly weaker earlier version the scenarios need.
    logistic: { numSteps: 2000, learningRate: 5e-3 },
  },
  {
    name: 'weather-tree-v4',
    type: ModelType.DECISION_TREE,
    description:
      'CART decision tree, depth 3, on precipitation and the month, trained on labels joined with a bug: winter days carry the weather of the same date in another year',
    features: ['precipitation', 'month'],
    tree: { maxDepth: 3 },
    labels: TrainingLabels.WINTER_FROM_ANOTHER_YEAR,
  },
  {
    name: 'weather-stump-v0',
    type: ModelType.DECISION_TREE,
    description: 'Depth-1 decision stump without precipitation (temperatures and wind only)',
    features: ['temp_max', 'temp_min', 'wind'],
    tree: { maxDepth: 1 },
  },
];

export interface TrainedWeatherModels {
  readonly artifacts: readonly ModelArtifact[];
  readonly manifest: Manifest;
}

export interface TrainOptions {
  readonly specs?: readonly WeatherModelSpec[];
  readonly split?: SplitOptions;
  /** Describes the dataset in the manifest. */
  readonly dataset: Manifest['dataset'];
}

/** Trains every spec on the training part of the split and scores it on the held-out part. */
export function trainWeatherModels(
  rows: readonly WeatherRow[],
  options: TrainOptions,
): TrainedWeatherModels {
  const split = options.split ?? WEATHER_SPLIT;
  const { training, heldOut } = splitWeatherRows(rows, split);
  const artifacts = (options.specs ?? WEATHER_MODEL_SPECS).map((spec): ModelArtifact => {
    // Score exactly what gets stored: the JSON round trip the loader will perform.
    const labelled = withTrainingLabels(training, rows, spec.labels ?? TrainingLabels.OBSERVED);
    const stored = JSON.parse(JSON.stringify(fit(spec, labelled, heldOut.length))) as ModelArtifact;
    return {
      ...stored,
      heldOutAccuracy: accuracyOn(compileClassifier(stored), spec.features, heldOut),
    };
  });
  const manifest: Manifest = {
    dataset: options.dataset,
    split: {
      method:
        'rows ranked by SHA-256 of (seed, "split", date); the first round(n * testFraction) are held out',
      seed: split.seed,
      testFraction: split.testFraction,
      trainingRows: training.length,
      heldOutRows: heldOut.length,
    },
    classes: [...WEATHER_CLASSES],
    models: artifacts.map((a) => ({
      name: a.name,
      file: `${a.name}.json`,
      type: a.type,
      description: a.description,
      features: a.features,
      classes: a.classes,
      heldOutAccuracy: a.heldOutAccuracy,
      trainingRows: a.trainingRows,
      heldOutRows: a.heldOutRows,
    })),
  };
  return { artifacts, manifest };
}

/** The artifact of a spec trained on `training`, not yet scored (heldOutAccuracy 0). */
function fit(
  spec: WeatherModelSpec,
  training: readonly WeatherRow[],
  heldOutRows: number,
): ModelArtifact {
  const x = training.map((row) => featureVector(weatherFeaturesOf(row), spec.features));
  const y = training.map((row) => WEATHER_CLASSES.indexOf(row.weather));
  const summary = {
    name: spec.name,
    description: spec.description,
    features: [...spec.features],
    classes: [...WEATHER_CLASSES],
    heldOutAccuracy: 0,
    trainingRows: training.length,
    heldOutRows,
  };
  if (spec.type === ModelType.DECISION_TREE) {
    const tree = new DecisionTreeClassifier(spec.tree);
    tree.train(x, y);
    return { type: spec.type, ...summary, model: tree.toJSON() };
  }
  const standardization = standardizationOf(x);
  const z = x.map((row) => [
    1,
    ...row.map((v, i) => (v - (standardization.mean[i] ?? 0)) / (standardization.sd[i] ?? 1)),
  ]);
  const regression = new LogisticRegression(spec.logistic);
  regression.train(new Matrix(z), Matrix.columnVector(y));
  return { type: spec.type, ...summary, standardization, model: regression.toJSON() };
}

function standardizationOf(x: readonly number[][]): { mean: number[]; sd: number[] } {
  const columns = x[0]?.length ?? 0;
  const mean: number[] = [];
  const sd: number[] = [];
  for (let j = 0; j < columns; j++) {
    const values = x.map((row) => row[j] ?? 0);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean.push(m);
    sd.push(Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length) || 1);
  }
  return { mean, sd };
}
