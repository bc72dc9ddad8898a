import { hashUniform } from './hash-uniform.js';
import type { WeatherRow } from './weather-rows.js';

export interface SplitOptions {
  /** Seed of the split. */
  readonly seed: number;
  /** Share of rows held out for evaluation, in (0, 1). */
  readonly testFraction: number;
}

/** The split the committed artifacts were trained with. */
export const WEATHER_SPLIT: SplitOptions = { seed: 42, testFraction: 0.3 };

export interface WeatherSplit {
  readonly training: readonly WeatherRow[];
  readonly heldOut: readonly WeatherRow[];
}

/**
 * Deterministic train / held-out split: rows are ranked by `hashUniform(seed, 'split', date)` and
 * the first round(n · testFraction) are held out. Keyed by date, not by position, so the split of
 * a day does not depend on the file's row order. Both parts keep the input order.
 */
export function splitWeatherRows(
  rows: readonly WeatherRow[],
  options: SplitOptions = WEATHER_SPLIT,
): WeatherSplit {
  if (!(options.testFraction > 0 && options.testFraction < 1))
    throw new RangeError('testFraction must be in (0, 1)');
  const ranked = rows
    .map((row, index) => ({ index, key: hashUniform(options.seed, 'split', row.date) }))
    .sort((a, b) => a.key - b.key || a.index - b.index);
  const heldOutIndexes = new Set(
    ranked.slice(0, Math.round(rows.length * options.testFraction)).map((r) => r.index),
  );
  return {
    training: rows.filter((_, i) => !heldOutIndexes.has(i)),
    heldOut: rows.filter((_, i) => heldOutIndexes.has(i)),
  };
}
