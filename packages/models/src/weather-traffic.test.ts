import { beforeAll, describe, expect, it } from 'vitest';
import { loadWeatherDataset, locateSeattleWeatherCsv } from './dataset-loader.js';
import { parseWeatherCsv, WEATHER_CLASSES, type WeatherRow } from './weather-rows.js';
import { splitWeatherRows, WEATHER_SPLIT } from './weather-split.js';
import { createWeatherTraffic } from './weather-traffic.js';

let rows: readonly WeatherRow[];
beforeAll(async () => {
  rows = (await loadWeatherDataset()).rows;
});

describe('Seattle weather dataset', () => {
  it('is found inside the installed vega-datasets package and holds 1,461 valid days', async () => {
    expect(locateSeattleWeatherCsv()).toMatch(/vega-datasets[/\\]data[/\\]seattle-weather\.csv$/);
    const dataset = await loadWeatherDataset();
    expect(dataset.info).toMatchObject({
      package: 'vega-datasets',
      file: 'data/seattle-weather.csv',
      rows: 1461,
    });
    expect(new Set(rows.map((r) => r.weather))).toEqual(new Set(WEATHER_CLASSES));
    expect(new Set(rows.map((r) => r.date)).size).toBe(1461);
    const sunShare = rows.filter((r) => r.weather === 'sun').length / rows.length;
    expect(sunShare).toBeCloseTo(0.438, 3);
  });

  it('rejects a malformed row with its line number', () => {
    const csv =
      'date,precipitation,temp_max,temp_min,wind,weather\n2012-01-01,0,1,0,1,sun\n2012-01-02,x,1,0,1,hail\n';
    expect(() => parseWeatherCsv(csv)).toThrow(/line 3: precipitation: .*weather/);
  });
});

describe('weather split', () => {
  it('holds out 30 % of the days, disjoint from training and independent of row order', () => {
    const { training, heldOut } = splitWeatherRows(rows);
    expect(heldOut).toHaveLength(Math.round(1461 * WEATHER_SPLIT.testFraction));
    expect(training.length + heldOut.length).toBe(1461);
    const heldOutDates = new Set(heldOut.map((r) => r.date));
    expect(training.some((r) => heldOutDates.has(r.date))).toBe(false);
    const reversed = splitWeatherRows([...rows].reverse());
    expect(new Set(reversed.heldOut.map((r) => r.date))).toEqual(heldOutDates);
    const other = splitWeatherRows(rows, { ...WEATHER_SPLIT, seed: WEATHER_SPLIT.seed + 1 });
    expect(new Set(other.heldOut.map((r) => r.date))).not.toEqual(heldOutDates);
  });
});

describe('weather traffic', () => {
  it('draws held-out rows with replacement, reproducibly and with random access', () => {
    const traffic = createWeatherTraffic(rows, { seed: 5 });
    const again = createWeatherTraffic(rows, { seed: 5 });
    const batch = traffic.samples(2_000);
    expect(again.samples(2_000)).toEqual(batch);
    expect(traffic.samples(10, 500)).toEqual(batch.slice(500, 510));
    expect(traffic.sample(1_234)).toEqual(batch[1_234]);
    const heldOutDates = new Set(traffic.heldOut.map((s) => s.features.date));
    expect(batch.every((s) => heldOutDates.has(s.features.date))).toBe(true);
    // 2,000 draws from 438 rows repeat rows: sampling is with replacement.
    expect(new Set(batch.map((s) => s.features.date)).size).toBeLessThan(2_000);
    expect(createWeatherTraffic(rows, { seed: 6 }).samples(2_000)).not.toEqual(batch);
  });

  it('gives features without the label unless asked, and a label matching the day', () => {
    const byDate = new Map(rows.map((r) => [r.date, r]));
    const [plain] = createWeatherTraffic(rows, { seed: 1 }).samples(1);
    expect(Object.keys(plain!.features).sort()).toEqual([
      'date',
      'precipitation',
      'season',
      'temp_max',
      'temp_min',
      'wind',
    ]);
    expect(plain!.trueLabel).toBe(byDate.get(plain!.features.date)?.weather);
    const [labelled] = createWeatherTraffic(rows, { seed: 1, includeTrueLabel: true }).samples(1);
    expect(labelled!.features.trueLabel).toBe(plain!.trueLabel);
  });

  it('can draw from all rows', () => {
    const traffic = createWeatherTraffic(rows, { seed: 2, pool: 'all' });
    expect(traffic.poolSize).toBe(1461);
    const training = new Set(splitWeatherRows(rows).training.map((r) => r.date));
    expect(traffic.samples(500).some((s) => training.has(s.features.date))).toBe(true);
  });

  it('interleaves the seasons: each has about a quarter of any hundred requests', () => {
    const traffic = createWeatherTraffic(rows, { seed: 7 });
    for (const start of [0, 1_000, 20_000]) {
      const counts = new Map<string, number>();
      for (const s of traffic.samples(100, start)) {
        counts.set(s.features.season, (counts.get(s.features.season) ?? 0) + 1);
      }
      expect([...counts.keys()].sort()).toEqual(['autumn', 'spring', 'summer', 'winter']);
      for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(12);
    }
  });
});
