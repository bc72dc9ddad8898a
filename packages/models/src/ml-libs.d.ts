// Type declarations for the ml.js packages used here, which ship JavaScript only. They cover
// just the members this package calls; shapes follow the packages' sources (ml-cart 2.1,
// ml-logistic-regression 2.0).

declare module 'ml-cart' {
  import type { Matrix } from 'ml-matrix';

  export interface DecisionTreeOptions {
    gainFunction?: 'gini';
    splitFunction?: 'mean';
    /** A node with at most this many rows becomes a leaf. */
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }

  export type DecisionTreeJson = {
    name: 'DTClassifier';
    options: DecisionTreeOptions & { kind: 'classifier' };
    root: unknown;
  };

  export class DecisionTreeClassifier {
    constructor(options?: DecisionTreeOptions);
    /** Root node; `classify` returns the leaf's class distribution as a 1 × k row vector. */
    readonly root: { classify(row: readonly number[]): Matrix };
    train(trainingSet: number[][], trainingLabels: number[]): void;
    predict(toPredict: number[][]): number[];
    toJSON(): DecisionTreeJson;
    static load(model: { name: string }): DecisionTreeClassifier;
  }
}

declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  export interface LogisticRegressionOptions {
    numSteps?: number;
    learningRate?: number;
  }

  export type LogisticRegressionJson = {
    name: 'LogisticRegression';
    numSteps: number;
    learningRate: number;
    numberClasses: number;
    classifiers: unknown[];
  };

  /** One-vs-rest: classifier j scores P(not class j); the prediction is the smallest score. */
  export default class LogisticRegression {
    constructor(options?: LogisticRegressionOptions);
    readonly classifiers: readonly { testScores(features: Matrix): number[] }[];
    /** `labels` is a column vector of class indices 0..k-1. */
    train(features: Matrix, labels: Matrix): void;
    predict(features: Matrix): number[];
    toJSON(): LogisticRegressionJson;
    static load(model: { name: string }): LogisticRegression;
  }
}
