// Backend contract
export {
  BackendKind,
  BackendStatus,
  errorResult,
  okResult,
  timeoutResult,
  type BackendResult,
  type ClassScores,
  type FailedResult,
  type ModelBackend,
  type OkResult,
  type PredictRequest,
} from './backend.js';
export { isTimeoutReason } from './abort-reason.js';
export {
  classScores,
  mostLikelyClass,
  PROBABILITY_SUM_TOLERANCE,
  type ClassScoresResult,
} from './class-scores.js';

// Registry and configs
export { createBackend, type CreateBackendOptions } from './create-backend.js';
export {
  backendConfigSchema,
  type BackendConfig,
  type CompiledBackendConfig,
} from './backend-config.js';
export { BackendConfigError } from './config-error.js';
export { latencyAt, latencySchema, type CompiledLatency, type LatencyConfig } from './latency.js';

// Simulated model
export { createSimBackend } from './sim-backend.js';
export { simConfigSchema, type CompiledSimConfig, type SimConfig } from './sim-config.js';
export { SIM_TRUE_LABEL_FIELD, SIM_TRUE_VALUE_FIELD } from './sim-truth.js';
export { hashUniform } from './hash-uniform.js';

// Trained weather models
export { createModelBackend, type ModelBackendOptions } from './model-backend.js';
export { modelConfigSchema, type CompiledModelConfig, type ModelConfig } from './model-config.js';
export {
  DEFAULT_ARTIFACTS_DIR,
  MANIFEST_FILE,
  readManifest,
  readModelArtifact,
} from './artifact-loader.js';
export {
  manifestSchema,
  modelArtifactSchema,
  ModelType,
  type Manifest,
  type ManifestEntry,
  type ModelArtifact,
} from './model-artifact.js';
export { compileClassifier, type Classification, type Classifier } from './classifier.js';
export { accuracyOn } from './evaluate-accuracy.js';
export { accuracyBySeason } from './season-accuracy.js';
export { TrainingLabels, withTrainingLabels } from './training-labels.js';
export {
  trainWeatherModels,
  WEATHER_MODEL_SPECS,
  type TrainedWeatherModels,
  type TrainOptions,
  type WeatherModelSpec,
} from './train-weather-models.js';

// Weather data and traffic
export {
  parseWeatherCsv,
  WEATHER_CLASSES,
  type WeatherClass,
  type WeatherRow,
} from './weather-rows.js';
export {
  featureVector,
  Season,
  seasonOf,
  WEATHER_FEATURES,
  weatherFeaturesOf,
  weatherFeaturesSchema,
  type WeatherFeatureName,
  type WeatherFeatures,
} from './weather-features.js';
export {
  splitWeatherRows,
  WEATHER_SPLIT,
  type SplitOptions,
  type WeatherSplit,
} from './weather-split.js';
export {
  createWeatherTraffic,
  TrafficPool,
  type WeatherSample,
  type WeatherTraffic,
  type WeatherTrafficOptions,
} from './weather-traffic.js';
export {
  loadWeatherDataset,
  loadWeatherTraffic,
  locateSeattleWeatherCsv,
  type WeatherDataset,
} from './dataset-loader.js';

// External model servers
export { createHttpBackend, HttpStatusError } from './http-backend.js';
export {
  httpConfigSchema,
  httpEndpointSchema,
  KSERVE_DATATYPES,
  type CompiledHttpConfig,
  type HttpConfig,
  type JsonEndpoint,
  type KserveDatatype,
  type KserveEndpoint,
} from './http-config.js';
