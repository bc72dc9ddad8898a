import { describe, expect, it } from 'vitest';
import { TrainingLabels, withTrainingLabels } from './training-labels.js';
import type { WeatherClass, WeatherRow } from './weather-rows.js';

const day = (date: string, weather: WeatherClass): WeatherRow => ({
  date,
  precipitation: 0,
  temp_max: 10,
  temp_min: 5,
  wind: 3,
  weather,
});

const table = [
  day('2012-01-10', 'rain'),
  day('2012-02-29', 'snow'),
  day('2012-07-01', 'sun'),
  day('2013-01-10', 'fog'),
  day('2013-07-01', 'rain'),
  day('2014-01-10', 'drizzle'),
];

describe('withTrainingLabels', () => {
  it('returns the observed labels unchanged', () => {
    expect(withTrainingLabels(table, table, TrainingLabels.OBSERVED)).toBe(table);
  });

  it("gives winter days the same date's weather a year later, or a year earlier for the last year", () => {
    const training = [table[0]!, table[1]!, table[2]!, table[5]!];
    const labelled = withTrainingLabels(training, table, TrainingLabels.WINTER_FROM_ANOTHER_YEAR);
    expect(labelled.map((r) => [r.date, r.weather])).toEqual([
      ['2012-01-10', 'fog'], // 2013-01-10
      ['2012-02-29', 'snow'], // no 29 February in 2013 or 2011: kept
      ['2012-07-01', 'sun'], // summer: kept, although 2013-07-01 differs
      ['2014-01-10', 'fog'], // no 2015-01-10: 2013-01-10
    ]);
    // Only labels change.
    expect(labelled[0]).toEqual({ ...table[0], weather: 'fog' });
  });
});
