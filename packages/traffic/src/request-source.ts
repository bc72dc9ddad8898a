import {
  createWeatherTraffic,
  hashUniform,
  loadWeatherDataset,
  SIM_TRUE_LABEL_FIELD,
  TrafficPool,
  WEATHER_CLASSES,
} from '@kanary/models';

/** Where request features and their true labels come from. */
export const SourceKind = { WEATHER: 'weather', SYNTHETIC: 'synthetic' } as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

export type SourceConfig =
  | {
      readonly kind: typeof SourceKind.WEATHER;
      /** Rows to draw from. @default 'held-out' */
      readonly pool?: TrafficPool;
      /**
       * Also put the true label into the features as `trueLabel`, so simulated variants can
       * answer the same requests as the trained ones (which ignore the field). @default false
       */
      readonly truthInFeatures?: boolean;
    }
  | {
      readonly kind: typeof SourceKind.SYNTHETIC;
      /** Classes the true label is drawn from, uniformly. @default the weather classes */
      readonly classes?: readonly string[];
    };

export interface SourceSample {
  /** The request's features JSON text. */
  readonly features: string;
  /** The label the feeder publishes later; never part of a real-data request's features. */
  readonly trueLabel: string;
}

/** The i-th request's features and truth; random access, seeded. */
export type RequestSource = (index: number) => SourceSample;

/**
 * Builds a seeded request source. `weather` draws days of the Seattle weather dataset (real
 * features, the observed weather as the label); `synthetic` draws a class and sends it as
 * `{"trueLabel": ...}` — the only input a simulated backend needs.
 */
export async function createRequestSource(
  config: SourceConfig,
  seed: number,
): Promise<RequestSource> {
  if (config.kind === SourceKind.SYNTHETIC) {
    const classes = config.classes ?? WEATHER_CLASSES;
    if (classes.length < 2) throw new RangeError('synthetic traffic needs at least two classes');
    return (index) => {
      const trueLabel = classes[Math.floor(hashUniform(seed, 'class', index) * classes.length)]!;
      return { features: JSON.stringify({ [SIM_TRUE_LABEL_FIELD]: trueLabel }), trueLabel };
    };
  }
  const traffic = createWeatherTraffic((await loadWeatherDataset()).rows, {
    seed,
    pool: config.pool ?? TrafficPool.HELD_OUT,
    includeTrueLabel: config.truthInFeatures ?? false,
  });
  return (index) => {
    const sample = traffic.sample(index);
    return { features: JSON.stringify(sample.features), trueLabel: sample.trueLabel };
  };
}
