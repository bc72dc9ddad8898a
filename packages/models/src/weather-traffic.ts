import { hashUniform } from './hash-uniform.js';
import { SIM_TRUE_LABEL_FIELD } from './sim-truth.js';
import { type Season, type WeatherFeatures, weatherFeaturesOf } from './weather-features.js';
import type { WeatherClass, WeatherRow } from './weather-rows.js';
import { type SplitOptions, splitWeatherRows, WEATHER_SPLIT } from './weather-split.js';

export interface WeatherSample {
  /**
   * The request's features JSON: the day's measurements, date and season (and `trueLabel` if
   * asked for).
   */
  readonly features: WeatherFeatures & {
    readonly date: string;
    readonly season: Season;
    readonly trueLabel?: WeatherClass;
  };
  /** The day's observed weather: the label to publish later. */
  readonly trueLabel: WeatherClass;
}

export const TrafficPool = { HELD_OUT: 'held-out', ALL: 'all' } as const;
export type TrafficPool = (typeof TrafficPool)[keyof typeof TrafficPool];

export interface WeatherTrafficOptions {
  /** Seed of the draws. */
  readonly seed: number;
  /**
   * Rows to draw from. With the held-out rows (the default), every shipped model's live
   * accuracy converges to its manifest accuracy; all rows include the ones models trained on.
   * @default 'held-out'
   */
  readonly pool?: TrafficPool;
  /**
   * Also put the label into the features as `trueLabel`, so that the same requests can drive
   * simulated variants next to real ones. @default false
   */
  readonly includeTrueLabel?: boolean;
  /** @default WEATHER_SPLIT, the split the artifacts were trained with */
  readonly split?: SplitOptions;
}

export interface WeatherTraffic {
  /** The i-th request of the stream; random access, so any slice can be regenerated. */
  sample(index: number): WeatherSample;
  /** `count` consecutive requests starting at `start`. */
  samples(count: number, start?: number): WeatherSample[];
  /** Every held-out row once, in date order: the slice manifest accuracies are computed on. */
  readonly heldOut: readonly WeatherSample[];
  readonly poolSize: number;
}

/**
 * Seeded request traffic from the Seattle weather rows: draws rows with replacement, the i-th
 * draw keyed by `hashUniform(seed, 'traffic', i)`.
 */
export function createWeatherTraffic(
  rows: readonly WeatherRow[],
  options: WeatherTrafficOptions,
): WeatherTraffic {
  const { training, heldOut } = splitWeatherRows(rows, options.split ?? WEATHER_SPLIT);
  const pool =
    (options.pool ?? TrafficPool.HELD_OUT) === TrafficPool.ALL
      ? [...training, ...heldOut]
      : heldOut;
  const toSample = (row: WeatherRow): WeatherSample => ({
    features: options.includeTrueLabel
      ? { ...weatherFeaturesOf(row), [SIM_TRUE_LABEL_FIELD]: row.weather }
      : weatherFeaturesOf(row),
    trueLabel: row.weather,
  });
  const sample = (index: number): WeatherSample => {
    const row = pool[Math.floor(hashUniform(options.seed, 'traffic', index) * pool.length)];
    if (row === undefined) throw new RangeError('no rows to draw traffic from');
    return toSample(row);
  };
  return {
    sample,
    samples: (count, start = 0) => Array.from({ length: count }, (_, i) => sample(start + i)),
    heldOut: heldOut.map(toSample),
    poolSize: pool.length,
  };
}
