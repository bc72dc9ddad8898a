import { DecisionTreeClassifier } from 'ml-cart';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { type ModelArtifact, ModelType } from './model-artifact.js';

export interface Classification {
  readonly label: string;
  /** The model's probability for `label`. */
  readonly score: number;
}

/** A trained model as a function from a feature vector to a class. */
export type Classifier = (vector: readonly number[]) => Classification;

/** Rebuilds the ml.js model stored in an artifact. */
export function compileClassifier(artifact: ModelArtifact): Classifier {
  const classes = artifact.classes;
  const labelOf = (index: number): string => {
    const label = classes[index];
    if (label === undefined)
      throw new Error(`${artifact.name}: class index ${index} outside the class list`);
    return label;
  };

  if (artifact.type === ModelType.DECISION_TREE) {
    const tree = DecisionTreeClassifier.load(artifact.model);
    return (vector) => {
      // The leaf's class distribution; its arg-max is what DecisionTreeClassifier#predict returns
      // (maxRowIndex gives the [row, column] position of the maximum).
      const distribution = tree.root.classify(vector);
      const [, index] = distribution.maxRowIndex(0);
      return { label: labelOf(index), score: distribution.get(0, index) };
    };
  }

  const regression = LogisticRegression.load(artifact.model);
  const { mean, sd } = artifact.standardization;
  return (vector) => {
    const input = new Matrix([[1, ...vector.map((x, i) => (x - (mean[i] ?? 0)) / (sd[i] ?? 1))]]);
    const index = regression.predict(input)[0] ?? 0;
    // One-vs-rest classifier j scores P(not j); normalising the P(j) over classes gives the
    // usual one-vs-rest probability estimate (as in scikit-learn's OvR predict_proba).
    const inClass = regression.classifiers.map((c) => 1 - (c.testScores(input)[0] ?? 1));
    const total = inClass.reduce((a, b) => a + b, 0);
    return { label: labelOf(index), score: total > 0 ? (inClass[index] ?? 0) / total : 0 };
  };
}
