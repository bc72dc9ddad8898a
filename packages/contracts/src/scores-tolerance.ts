/** Tolerance of the sum of a prediction's class probabilities around 1 (float rounding, softmax). */
export const SCORES_SUM_TOLERANCE = 0.01;
