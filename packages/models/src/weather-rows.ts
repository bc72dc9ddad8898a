import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/** Weather classes of the Seattle dataset, sorted; a class's index is its label id in training. */
export const WEATHER_CLASSES = ['drizzle', 'fog', 'rain', 'snow', 'sun'] as const;
export type WeatherClass = (typeof WEATHER_CLASSES)[number];

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const weatherRowSchema = z.object({
  date: z.string().regex(ISO_DATE),
  precipitation: z.coerce.number().finite(),
  temp_max: z.coerce.number().finite(),
  temp_min: z.coerce.number().finite(),
  wind: z.coerce.number().finite(),
  weather: z.enum(WEATHER_CLASSES),
});

/** One day of vega-datasets' seattle-weather.csv (precipitation in mm, temperatures in °C, wind in m/s). */
export type WeatherRow = z.infer<typeof weatherRowSchema>;

/** Parses the CSV text of seattle-weather.csv; a malformed row fails with its line number. */
export function parseWeatherCsv(text: string): WeatherRow[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as unknown[];
  return records.map((record, i) => {
    const row = weatherRowSchema.safeParse(record);
    if (!row.success) {
      // Line 1 is the header.
      throw new Error(
        `seattle-weather.csv line ${i + 2}: ${row.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    }
    return row.data;
  });
}
