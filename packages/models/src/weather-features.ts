import { z } from 'zod';
import { ISO_DATE, type WeatherRow } from './weather-rows.js';

/** Everything a weather model may use; `month` (1–12) is derived from the date for seasonality. */
export const WEATHER_FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind', 'month'] as const;
export type WeatherFeatureName = (typeof WEATHER_FEATURES)[number];

/**
 * The features JSON of a weather inference request. Unknown fields (a simulated `trueLabel`,
 * say) are ignored, so one request stream can feed real and simulated variants.
 */
export const weatherFeaturesSchema = z.object({
  date: z.string().regex(ISO_DATE, 'expected an ISO date YYYY-MM-DD').optional(),
  precipitation: z.number().finite(),
  temp_max: z.number().finite(),
  temp_min: z.number().finite(),
  wind: z.number().finite(),
});
export type WeatherFeatures = z.infer<typeof weatherFeaturesSchema>;

/** The request features of a dataset row: its measurements and date, never its label. */
export function weatherFeaturesOf(row: WeatherRow): WeatherFeatures & { date: string } {
  return {
    date: row.date,
    precipitation: row.precipitation,
    temp_max: row.temp_max,
    temp_min: row.temp_min,
    wind: row.wind,
  };
}

/** The model input vector, in the order of `names`; throws when a needed field is missing. */
export function featureVector(
  features: WeatherFeatures,
  names: readonly WeatherFeatureName[],
): number[] {
  return names.map((name) => {
    if (name !== 'month') return features[name];
    if (features.date === undefined) throw new Error('feature month needs a date');
    return Number(features.date.slice(5, 7));
  });
}
