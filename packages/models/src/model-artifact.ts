import { z } from 'zod';
import { WEATHER_FEATURES } from './weather-features.js';

/** Learning algorithms a model artifact may hold. */
export const ModelType = {
  DECISION_TREE: 'decision-tree',
  LOGISTIC_REGRESSION: 'logistic-regression',
} as const;
export type ModelType = (typeof ModelType)[keyof typeof ModelType];

const modelSummaryShape = {
  /** Versioned model name, e.g. `weather-tree-v2`; also the artifact's file stem. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  description: z.string(),
  features: z.array(z.enum(WEATHER_FEATURES)).min(1),
  /** Class names; the trained label id i stands for classes[i]. */
  classes: z.array(z.string().min(1)).min(2),
  /** Accuracy on the held-out rows of the documented split. */
  heldOutAccuracy: z.number().min(0).max(1),
  trainingRows: z.number().int().positive(),
  heldOutRows: z.number().int().positive(),
};

const treeArtifactSchema = z.object({
  type: z.literal(ModelType.DECISION_TREE),
  ...modelSummaryShape,
  /** ml-cart `DecisionTreeClassifier#toJSON()`. */
  model: z.object({ name: z.literal('DTClassifier') }).passthrough(),
});

const logisticArtifactSchema = z.object({
  type: z.literal(ModelType.LOGISTIC_REGRESSION),
  ...modelSummaryShape,
  /** Features are standardised with these training means and standard deviations, then a constant 1 is prepended as intercept. */
  standardization: z.object({ mean: z.array(z.number()), sd: z.array(z.number().positive()) }),
  /** ml-logistic-regression `LogisticRegression#toJSON()`. */
  model: z.object({ name: z.literal('LogisticRegression') }).passthrough(),
});

export const modelArtifactSchema = z.discriminatedUnion('type', [
  treeArtifactSchema,
  logisticArtifactSchema,
]);
export type ModelArtifact = z.infer<typeof modelArtifactSchema>;

export const manifestEntrySchema = z.object({
  type: z.enum([ModelType.DECISION_TREE, ModelType.LOGISTIC_REGRESSION]),
  ...modelSummaryShape,
  /** Artifact file name inside the artifacts directory. */
  file: z.string(),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const manifestSchema = z.object({
  dataset: z.object({
    package: z.string(),
    version: z.string(),
    file: z.string(),
    rows: z.number().int(),
  }),
  split: z.object({
    method: z.string(),
    seed: z.number().int(),
    testFraction: z.number(),
    trainingRows: z.number().int(),
    heldOutRows: z.number().int(),
  }),
  classes: z.array(z.string()),
  models: z.array(manifestEntrySchema).min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;
