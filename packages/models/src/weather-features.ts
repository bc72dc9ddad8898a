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

/** Meteorological seasons of the northern hemisphere, by month. */
export const Season = {
  WINTER: 'winter',
  SPRING: 'spring',
  SUMMER: 'summer',
  AUTUMN: 'autumn',
} as const;
export type Season = (typeof Season)[keyof typeof Season];

const SEASON_OF_MONTH: readonly Season[] = [
  Season.WINTER, // January
  Season.WINTER,
  Season.SPRING, // March
  Season.SPRING,
  Season.SPRING,
  Season.SUMMER, // June
  Season.SUMMER,
  Season.SUMMER,
  Season.AUTUMN, // September
  Season.AUTUMN,
  Season.AUTUMN,
  Season.WINTER, // December
];

/**
 * The meteorological season of an ISO date (winter December–February, spring March–May, summer
 * June–August, autumn September–November): whole months, so a season is the same days every
 * year, unlike the astronomical seasons.
 */
export function seasonOf(date: string): Season {
  const season = ISO_DATE.test(date) ? SEASON_OF_MONTH[Number(date.slice(5, 7)) - 1] : undefined;
  if (season === undefined) throw new RangeError(`not an ISO date YYYY-MM-DD: ${date}`);
  return season;
}

/**
 * The request features of a dataset row: its measurements and date, and the date's season — a
 * segment a rollout policy can name (`segments.feature`); no model reads it. Never the label.
 */
export function weatherFeaturesOf(
  row: WeatherRow,
): WeatherFeatures & { date: string; season: Season } {
  return {
    date: row.date,
    season: seasonOf(row.date),
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
