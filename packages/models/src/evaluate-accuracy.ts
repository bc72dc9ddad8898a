import type { Classifier } from './classifier.js';
import { featureVector, type WeatherFeatureName, weatherFeaturesOf } from './weather-features.js';
import type { WeatherRow } from './weather-rows.js';

/** Share of rows whose weather the classifier predicts. */
export function accuracyOn(
  classify: Classifier,
  features: readonly WeatherFeatureName[],
  rows: readonly WeatherRow[],
): number {
  if (rows.length === 0) throw new RangeError('accuracy of an empty row set');
  const correct = rows.filter(
    (row) => classify(featureVector(weatherFeaturesOf(row), features)).label === row.weather,
  );
  return correct.length / rows.length;
}
