import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Manifest } from './model-artifact.js';
import { parseWeatherCsv, type WeatherRow } from './weather-rows.js';
import {
  createWeatherTraffic,
  type WeatherTraffic,
  type WeatherTrafficOptions,
} from './weather-traffic.js';

const DATASET_PACKAGE = 'vega-datasets';
const DATASET_FILE = 'data/seattle-weather.csv';

/**
 * The installed vega-datasets package root. Its `exports` map exposes only the entry point
 * (`require.resolve('vega-datasets/package.json')` fails with ERR_PACKAGE_PATH_NOT_EXPORTED),
 * so resolve the entry and walk up to the directory whose package.json names the package.
 */
function datasetPackageRoot(): { root: string; version: string } {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(DATASET_PACKAGE));
  for (;;) {
    const manifestPath = join(dir, 'package.json');
    if (existsSync(manifestPath)) {
      const pkg = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === DATASET_PACKAGE) return { root: dir, version: pkg.version ?? 'unknown' };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${DATASET_PACKAGE} package root`);
    dir = parent;
  }
}

/** Absolute path of seattle-weather.csv inside the installed vega-datasets package. */
export function locateSeattleWeatherCsv(): string {
  return join(datasetPackageRoot().root, DATASET_FILE);
}

export interface WeatherDataset {
  readonly rows: readonly WeatherRow[];
  /** How the manifest names the dataset. */
  readonly info: Manifest['dataset'];
}

/** Reads and validates the 1,461 daily rows of seattle-weather.csv. */
export async function loadWeatherDataset(): Promise<WeatherDataset> {
  const { root, version } = datasetPackageRoot();
  const rows = parseWeatherCsv(await readFile(join(root, DATASET_FILE), 'utf8'));
  return {
    rows,
    info: { package: DATASET_PACKAGE, version, file: DATASET_FILE, rows: rows.length },
  };
}

/** Reads the dataset and returns its seeded request traffic. */
export async function loadWeatherTraffic(options: WeatherTrafficOptions): Promise<WeatherTraffic> {
  return createWeatherTraffic((await loadWeatherDataset()).rows, options);
}
