import { describe, expect, it } from 'vitest';
import {
  featureVector,
  Season,
  seasonOf,
  weatherFeaturesOf,
  weatherFeaturesSchema,
} from './weather-features.js';
import type { WeatherRow } from './weather-rows.js';

describe('seasonOf', () => {
  it.each([
    ['2012-12-01', Season.WINTER],
    ['2013-01-31', Season.WINTER],
    ['2012-02-29', Season.WINTER],
    ['2014-03-01', Season.SPRING],
    ['2014-05-31', Season.SPRING],
    ['2015-06-01', Season.SUMMER],
    ['2015-08-31', Season.SUMMER],
    ['2012-09-01', Season.AUTUMN],
    ['2012-11-30', Season.AUTUMN],
  ])('%s is in %s', (date, season) => {
    expect(seasonOf(date)).toBe(season);
  });

  it.each(['2012-13-01', '2012-00-10', '12/01/2012', ''])('rejects %j', (date) => {
    expect(() => seasonOf(date)).toThrow(RangeError);
  });
});

describe('weatherFeaturesOf', () => {
  const row: WeatherRow = {
    date: '2014-01-06',
    precipitation: 0.3,
    temp_max: 7.8,
    temp_min: -0.5,
    wind: 2.6,
    weather: 'rain',
  };

  it('adds the season to the request features, never the label', () => {
    expect(weatherFeaturesOf(row)).toEqual({
      date: '2014-01-06',
      season: 'winter',
      precipitation: 0.3,
      temp_max: 7.8,
      temp_min: -0.5,
      wind: 2.6,
    });
  });

  it('leaves model inputs as they were: the schema drops the season, vectors ignore it', () => {
    const parsed = weatherFeaturesSchema.parse(JSON.parse(JSON.stringify(weatherFeaturesOf(row))));
    expect(parsed).not.toHaveProperty('season');
    expect(
      featureVector(parsed, ['precipitation', 'temp_max', 'temp_min', 'wind', 'month']),
    ).toEqual([0.3, 7.8, -0.5, 2.6, 1]);
  });
});
