import { seasonOf, Season } from './weather-features.js';
import type { WeatherRow } from './weather-rows.js';

/** Which labels a weather model is trained on. */
export const TrainingLabels = {
  /** Each day's observed weather. */
  OBSERVED: 'observed',
  /**
   * A label join with a bug: winter days carry the weather observed on the same calendar date
   * one year later (one year earlier for the last year, or when that date does not exist), as
   * when labels are matched on month and day instead of the full date. The rest of the year is
   * right. It yields a model about as accurate as the others overall and much worse in winter —
   * the failure a per-segment guard exists for.
   */
  WINTER_FROM_ANOTHER_YEAR: 'winter-from-another-year',
} as const;
export type TrainingLabels = (typeof TrainingLabels)[keyof typeof TrainingLabels];

const shiftYear = (date: string, years: number) =>
  `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;

/**
 * `training` with the labels `labels` describes; `labelTable` is every labelled day the join
 * may look up (the whole dataset: a label table knows the days a model is not trained on).
 */
export function withTrainingLabels(
  training: readonly WeatherRow[],
  labelTable: readonly WeatherRow[],
  labels: TrainingLabels,
): readonly WeatherRow[] {
  if (labels === TrainingLabels.OBSERVED) return training;
  const byDate = new Map(labelTable.map((row) => [row.date, row.weather]));
  return training.map((row) => {
    if (seasonOf(row.date) !== Season.WINTER) return row;
    const weather = byDate.get(shiftYear(row.date, 1)) ?? byDate.get(shiftYear(row.date, -1));
    return weather === undefined ? row : { ...row, weather };
  });
}
