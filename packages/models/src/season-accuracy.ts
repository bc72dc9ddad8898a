import type { Classifier } from './classifier.js';
import { accuracyOn } from './evaluate-accuracy.js';
import { Season, seasonOf, type WeatherFeatureName } from './weather-features.js';
import type { WeatherRow } from './weather-rows.js';

/** Accuracy within each season of `rows` (seasons without rows are left out). */
export function accuracyBySeason(
  classify: Classifier,
  features: readonly WeatherFeatureName[],
  rows: readonly WeatherRow[],
): Partial<Record<Season, number>> {
  const bySeason: Partial<Record<Season, number>> = {};
  for (const season of Object.values(Season)) {
    const inSeason = rows.filter((row) => seasonOf(row.date) === season);
    if (inSeason.length > 0) bySeason[season] = accuracyOn(classify, features, inSeason);
  }
  return bySeason;
}
