import { DecisionTreeClassifier } from 'ml-cart';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import type { ClassScores } from './backend.js';
import { classScores } from './class-scores.js';
import { type ModelArtifact, ModelType } from './model-artifact.js';

export interface Classification {
  readonly label: string;
  /** The model's probability for `label`. */
  readonly score: number;
  /** The model's probability of every class of the artifact, summing to 1. */
  readonly scores: ClassScores;
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

  const classification = (index: number, probabilities: readonly number[]): Classification => {
    const label = labelOf(index);
    const scored = classScores(classes, probabilities, `${artifact.name}: class probabilities`);
    if (!scored.ok) throw new Error(scored.error);
    return { label, score: scored.scores[label] ?? 0, scores: scored.scores };
  };

  if (artifact.type === ModelType.DECISION_TREE) {
    const tree = DecisionTreeClassifier.load(artifact.model);
    return (vector) => {
      // The leaf's class distribution (the share of each class among the leaf's training rows);
      // its arg-max is what DecisionTreeClassifier#predict returns (maxRowIndex gives the
      // [row, column] position of the maximum). ml-cart sizes it by the highest class id seen in
      // the leaf, so the classes after that one, absent from the leaf, have probability 0.
      const distribution = tree.root.classify(vector);
      const [, index] = distribution.maxRowIndex(0);
      const shares = distribution.getRow(0);
      return classification(
        index,
        classes.map((_, i) => shares[i] ?? 0),
      );
    };
  }

  const regression = LogisticRegression.load(artifact.model);
  const { mean, sd } = artifact.standardization;
  return (vector) => {
    const input = new Matrix([[1, ...vector.map((x, i) => (x - (mean[i] ?? 0)) / (sd[i] ?? 1))]]);
    const index = regression.predict(input)[0] ?? 0;
    // One-vs-rest classifier j scores P(not j); normalising the P(j) over classes gives the
    // usual one-vs-rest probability estimate (as in scikit-learn's OvR predict_proba).
    // If every P(j) underflows to 0 the model has no preference: every class is equally likely.
    const inClass = regression.classifiers.map((c) => 1 - (c.testScores(input)[0] ?? 1));
    const total = inClass.reduce((a, b) => a + b, 0);
    return classification(
      index,
      inClass.map((p) => (total > 0 ? p / total : 1 / inClass.length)),
    );
  };
}
